package io.github.iothubkit.contract.target;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the {@link HubUnderTest} (one per test run, kept in the root store and closed when the run
 * ends) and a fresh {@link TestDevices} per test (kept in the test's store, so JUnit deletes its devices
 * after the test, pass or fail). A target that cannot be made (say -Preal-hub without its variable) fails
 * every test at once with the same message instead of each test timing out.
 */
public final class HubExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HubExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == HubUnderTest.class || type == TestDevices.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        HubUnderTest hub = hub(context);
        if (parameter.getParameter().getType() == HubUnderTest.class) {
            return hub;
        }
        // One per test method: stored under the parameter's index so that two parameters would not share it.
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("devices-" + parameter.getIndex(),
                k -> new TestDevices(hub), TestDevices.class);
    }

    private static HubUnderTest hub(ExtensionContext context) {
        Target target = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Target.class, k -> Target.create(), Target.class);
        if (target.failure != null) {
            throw new ParameterResolutionException("no hub to test against: " + target.failure.getMessage(),
                    target.failure);
        }
        return target.hub;
    }

    /** The target or why it could not be made; closed by JUnit when the root context closes. */
    private static final class Target implements AutoCloseable {
        final HubUnderTest hub;
        final RuntimeException failure;

        private Target(HubUnderTest hub, RuntimeException failure) {
            this.hub = hub;
            this.failure = failure;
        }

        static Target create() {
            try {
                HubUnderTest hub = HubTargets.create();
                System.out.println("contract-tests: running against the " + hub);
                return new Target(hub, null);
            } catch (RuntimeException e) {
                return new Target(null, e);
            }
        }

        @Override
        public void close() {
            if (hub != null) {
                hub.close();
            }
        }
    }
}
