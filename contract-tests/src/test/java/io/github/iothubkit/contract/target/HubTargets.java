package io.github.iothubkit.contract.target;

/** Picks the target from the system property {@value #PROPERTY} that the Maven profiles set. */
public final class HubTargets {

    public static final String PROPERTY = "hub.target";

    private HubTargets() {
    }

    /** {@code fake} (the default) or {@code real}. */
    public static HubUnderTest create() {
        String target = System.getProperty(PROPERTY, "fake").trim();
        return switch (target) {
            case "fake", "" -> FakeHubUnderTest.start();
            case "real" -> RealHubUnderTest.fromEnvironment(System.getenv());
            default -> throw new IllegalStateException("unknown " + PROPERTY + " '" + target
                    + "': use fake (default) or real (mvn ... -Preal-hub)");
        };
    }
}
