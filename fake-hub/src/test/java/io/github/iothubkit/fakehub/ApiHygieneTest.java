package io.github.iothubkit.fakehub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API never mentions the transports the hub is built on (the cheap Maven equivalent of JPMS
 * exports): every public type of the public packages, and each of its public or protected members, is
 * checked for Moquette, Netty, Vert.x and proton types. And it stays small: what a test reaches from the
 * hub is pinned, and none of it carries the plumbing the adapters use.
 */
class ApiHygieneTest {

    private static final List<String> FORBIDDEN = List.of("io.moquette", "io.netty", "io.vertx", "org.apache.qpid");
    /** Adapter packages and the transports' session SPI: implementation, not API. */
    private static final List<String> INTERNAL = List.of("mqtt", "amqp", "http", "internal", "standalone", "session");
    /** Adapter plumbing that once sat on the facade, per type: it lives in package-private or SPI types now. */
    private static final Map<String, Set<String>> PLUMBING = Map.of(
            "CloudToDevice", Set.of("attach", "detach", "subscribed", "unsubscribed", "complete", "expireDue",
                    "deviceDeleted", "beforeSend"),
            "FeedbackJournal", Set.of("take", "putBack", "pending", "onAvailable"),
            "Faults", Set.of("takeConnectRefusal", "withholdsAcks", "deliveryDelay", "checkSend", "bindDisconnect",
                    "onAcksReleased"),
            "Telemetry", Set.of("record"),
            "DeviceRegistry", Set.of("onChange", "onDelete"),
            "Twins", Set.of("deviceDeleted"),
            "DirectMethods", Set.of("subscribed", "expireDue", "deviceDeleted"));
    /** Hub SPI types in the owners' packages: public for the adapters, never reachable from the hub's API. */
    private static final Set<String> SPI = Set.of("FaultRules", "TelemetryIntake", "RegistryEvents", "C2dPolicy",
            "CloudToDeviceSpi", "FeedbackOutbox", "TwinsSpi", "DirectMethodsSpi", "DeviceSessions", "DeviceLink",
            "HubContext", "HubInternals");

    @Test
    void whatATestReachesFromTheHubIsTheFacadeAndCarriesNoPlumbing() {
        Set<Class<?>> reached = reachable(List.of(FakeIotHub.class, FakeIotHubExtension.class));
        assertThat(reached).extracting(Class::getSimpleName).doesNotContainAnyElementsOf(SPI)
                .containsAll(PLUMBING.keySet());
        List<String> plumbing = new ArrayList<>();
        for (Class<?> type : reached) {
            for (Method m : type.getMethods()) {
                if (m.getDeclaringClass() == type
                        && PLUMBING.getOrDefault(type.getSimpleName(), Set.of()).contains(m.getName())) {
                    plumbing.add(type.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertThat(plumbing).as("adapter plumbing on the public facade").isEmpty();
    }

    @Test
    void theExtensionHandsOutTheHubInsteadOfRepeatingItsAccessors() {
        Set<String> own = new TreeSet<>();
        for (Method m : FakeIotHubExtension.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()) {
                own.add(m.getName());
            }
        }
        assertThat(own).containsExactlyInAnyOrder("newInstance", "hub", "toString", "beforeAll", "beforeEach",
                "afterEach", "supportsParameter", "resolveParameter");
    }

    /**
     * The hub's own types reachable from {@code roots} through public methods' return and parameter types
     * (not constructors: a test gets the facade's objects from the hub, it never builds them).
     */
    private static Set<Class<?>> reachable(List<Class<?>> roots) {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Class<?> type = todo.pop();
            while (type.isArray()) {
                type = type.getComponentType();
            }
            if (!type.getName().startsWith("io.github.iothubkit.fakehub") || !seen.add(type)) {
                continue;
            }
            for (Method m : type.getMethods()) {
                if (m.getDeclaringClass() != type) {
                    continue;
                }
                todo.add(m.getReturnType());
                todo.addAll(Arrays.asList(m.getParameterTypes()));
                mentioned(m.getGenericReturnType(), todo);
            }
        }
        return seen;
    }

    /** Type arguments too: {@code List<C2dRecord>}, {@code Optional<DeviceIdentity>}. */
    private static void mentioned(Type type, Deque<Class<?>> todo) {
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                if (arg instanceof Class<?> c) {
                    todo.add(c);
                }
                mentioned(arg, todo);
            }
        }
    }

    @Test
    void noPublicSignatureMentionsATransportLibrary() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<Class<?>> types = publicTypes();
        assertThat(types).extracting(Class::getSimpleName).contains("FakeIotHub", "FakeIotHubExtension",
                "FakeIotHubAssertions", "Faults", "HubClients", "CloudToDevice");
        for (Class<?> type : types) {
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic()) {
                    check(leaks, type, m.toGenericString(), m);
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c.getModifiers())) {
                    check(leaks, type, c.toGenericString(), c);
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f.getModifiers())) {
                    check(leaks, type, f.toGenericString(), null);
                }
            }
            check(leaks, type, type.getGenericSuperclass() + " " + Arrays.toString(type.getGenericInterfaces()), null);
        }
        assertThat(leaks).as("public signatures that expose a transport library").isEmpty();
    }

    private static void check(List<String> leaks, Class<?> type, String signature, Executable executable) {
        String all = signature + (executable == null ? "" : " throws " + Arrays.toString(executable.getExceptionTypes()));
        for (String p : FORBIDDEN) {
            if (all.contains(p + ".")) {
                leaks.add(type.getName() + ": " + signature);
            }
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** Public top-level and nested types of every package under fakehub/ except the adapters. */
    private static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(FakeIotHub.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '.')
                        .replaceAll("\\.class$", "");
                String pkg = name.substring(0, name.lastIndexOf('.'));
                String sub = pkg.equals("io.github.iothubkit.fakehub") ? "" : pkg.substring(pkg.lastIndexOf('.') + 1);
                if (!name.startsWith("io.github.iothubkit.fakehub") || INTERNAL.contains(sub)) {
                    continue;
                }
                Class<?> type = Class.forName(name, false, ApiHygieneTest.class.getClassLoader());
                if (Modifier.isPublic(type.getModifiers()) && !type.isAnonymousClass() && !type.isSynthetic()) {
                    types.add(type);
                }
            }
        }
        return types;
    }
}
