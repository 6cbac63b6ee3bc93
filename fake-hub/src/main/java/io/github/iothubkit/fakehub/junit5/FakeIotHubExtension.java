package io.github.iothubkit.fakehub.junit5;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A fake IoT Hub for JUnit 5 tests, on a free loopback address unless told otherwise.
 *
 * <pre>{@code
 * @RegisterExtension
 * static FakeIotHubExtension hub = FakeIotHubExtension.newInstance().build();
 *
 * @Test
 * void test() {
 *     hub.hub().devices().create("dev1");   // the extension hands out the hub serving the current test
 * }
 *
 * @Test
 * void injected(FakeIotHub hub, DeviceIdentity dev1) { ... }   // or take it (and devices) as parameters
 * }</pre>
 *
 * <p>A static field gets one hub per class, reset before each test; an instance field gets a new hub for
 * each test; {@link Builder#perRun()} (or {@code @FakeIotHubTest(shared = true)}) gets one hub for the
 * whole run, reset before each test. The hub lives in JUnit's {@link ExtensionContext.Store}, which closes
 * it; tests sharing a hub take turns, so parallel execution stays correct. Parameters of type
 * {@link FakeIotHub} and {@link DeviceIdentity} (see {@link TestDevice}) are injected.
 */
public final class FakeIotHubExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(FakeIotHubExtension.class);

    /** Null for the declarative form, whose settings come from {@link FakeIotHubTest}. */
    private final Settings configured;
    /** Only a view for the handle methods: the Store owns and closes the hub. */
    private final AtomicReference<FakeIotHub> current = new AtomicReference<>();

    /** For {@code @ExtendWith}/{@link FakeIotHubTest}; in code use {@link #newInstance()}. */
    public FakeIotHubExtension() {
        this(null);
    }

    private FakeIotHubExtension(Settings settings) {
        this.configured = settings;
    }

    public static Builder newInstance() {
        return new Builder();
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) {
        current.set(resource(context, true).hub()); // class-level registration: static field or annotation
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        HubResource resource = resource(context, false);
        if (resource != null) {
            ExtensionContext.Store store = context.getStore(NAMESPACE);
            if (store.get(new Turn(resource)) == null) { // two extensions on one shared hub: one turn, one reset
                store.put(new Turn(resource), resource.lease()); // JUnit ends the turn after the test
                resource.hub().reset();
            }
            current.set(resource.hub());
            return;
        }
        // instance field: a hub of its own for this test, closed with the test's context
        FakeIotHub hub = settings(context).start();
        context.getStore(NAMESPACE).put(this, new HubResource(hub));
        context.getStore(NAMESPACE).put(new PerTest(this), Boolean.TRUE);
        if (!current.compareAndSet(null, hub)) {
            throw new IllegalStateException("this FakeIotHubExtension field serves another test running at the same"
                    + " time: with concurrent methods, take FakeIotHub as a parameter instead of using the field");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getStore(NAMESPACE).get(new PerTest(this)) != null) {
            current.set(null); // the test's own hub closes with its context: the field no longer points at it
        }
    }

    /** The class's, the run's or (with {@code create} false and none found) null for a per-test hub. */
    private HubResource resource(ExtensionContext context, boolean create) {
        Settings settings = settings(context);
        ExtensionContext.Store store = settings.perRun ? context.getRoot().getStore(NAMESPACE)
                : context.getStore(NAMESPACE);
        Object key = settings.perRun ? settings.sharedKey() : this;
        HubResource found = store.get(key, HubResource.class);
        if (found != null || !(create || settings.perRun)) {
            return found;
        }
        return store.getOrComputeIfAbsent(key, k -> new HubResource(settings.start()), HubResource.class);
    }

    private Settings settings(ExtensionContext context) {
        if (configured != null) {
            return configured;
        }
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            Optional<FakeIotHubTest> a = AnnotationSupport.findAnnotation(c, FakeIotHubTest.class);
            if (a.isPresent()) {
                return new Settings(null, a.get().manualClock(), a.get().shared(), b -> { });
            }
        }
        return new Settings(null, false, false, b -> { });
    }

    // ---- parameters ---------------------------------------------------------------------------

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == FakeIotHub.class || type == DeviceIdentity.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        HubResource resource = resource(context, false);
        if (resource == null) {
            throw new ParameterResolutionException("no fake hub yet for " + parameter.getDeclaringExecutable()
                    + ": a per-test hub (instance field) exists only from beforeEach on, not in constructors");
        }
        FakeIotHub hub = resource.hub();
        if (parameter.getParameter().getType() == FakeIotHub.class) {
            return hub;
        }
        String id = parameter.findAnnotation(TestDevice.class).map(TestDevice::value)
                .orElseGet(() -> context.getTestMethod().map(m -> m.getName()).orElse("device")
                        + "-" + parameter.getIndex());
        return hub.devices().find(id).orElseGet(() -> hub.devices().create(id));
    }

    // ---- the handle ---------------------------------------------------------------------------

    /**
     * The hub serving the current test: everything a test does goes through it ({@code hub().devices()},
     * {@code hub().cloudToDevice()}, ...), so a feature added to the hub needs nothing here.
     */
    public FakeIotHub hub() {
        FakeIotHub hub = current.get();
        if (hub == null) {
            throw new IllegalStateException("FakeIotHubExtension has no hub here: it starts one in beforeAll (static"
                    + " field) or beforeEach (instance field); register it with @RegisterExtension");
        }
        return hub;
    }

    @Override
    public String toString() {
        FakeIotHub hub = current.get();
        return "FakeIotHubExtension{" + (hub == null ? "not started" : hub) + "}";
    }

    /** How the extension builds its hubs. */
    public static final class Builder {
        private String host;
        private boolean manualClock;
        private boolean perRun;
        private Consumer<FakeIotHub.Builder> configure = b -> { };

        private Builder() {
        }

        /** A fixed address instead of a free one in 127.0.1.x picked at start. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Each hub gets a {@code HubClock.manual()}; its {@code reset()} sets it back to its start. */
        public Builder manualClock() {
            this.manualClock = true;
            return this;
        }

        /** One hub for the whole test run, shared with every other {@code perRun()} extension of the same settings. */
        public Builder perRun() {
            this.perRun = true;
            return this;
        }

        /** Any other hub setting, e.g. {@code b -> b.maxInFlight(1).httpsPort(0)}. */
        public Builder configure(Consumer<FakeIotHub.Builder> configure) {
            this.configure = Objects.requireNonNull(configure, "configure");
            return this;
        }

        public FakeIotHubExtension build() {
            return new FakeIotHubExtension(new Settings(host, manualClock, perRun, configure));
        }
    }

    /** The key of a test's turn on a shared hub. */
    private record Turn(HubResource resource) {
    }

    /** Marks a test context whose hub is its own (instance field). */
    private record PerTest(FakeIotHubExtension extension) {
    }

    private record Settings(String host, boolean manualClock, boolean perRun, Consumer<FakeIotHub.Builder> configure) {

        FakeIotHub start() {
            FakeIotHub.Builder b = FakeIotHub.builder();
            if (host == null) {
                b.autoHost();
            } else {
                b.host(host);
            }
            if (manualClock) {
                b.clock(HubClock.manual());
            }
            configure.accept(b);
            return b.start();
        }

        /** Extensions asking for a shared hub with the same address and clock share one. */
        String sharedKey() {
            return "shared-hub:" + (host == null ? "auto" : host) + (manualClock ? ":manual-clock" : "");
        }
    }
}
