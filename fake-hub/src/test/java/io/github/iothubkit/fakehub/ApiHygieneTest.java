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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API never mentions the transports the hub is built on (the cheap Maven equivalent of JPMS
 * exports): every public type of the public packages, and each of its public or protected members, is
 * checked for Moquette, Netty, Vert.x and proton types.
 */
class ApiHygieneTest {

    private static final List<String> FORBIDDEN = List.of("io.moquette", "io.netty", "io.vertx", "org.apache.qpid");
    /** Adapter packages: implementation, not API. */
    private static final List<String> INTERNAL = List.of("mqtt", "amqp", "http", "internal", "standalone");

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
