package io.github.iothubkit.contract;

/**
 * The suite's JUnit tags. Every test runs on both targets: a tag says what a result means or costs on one
 * of them, it never skips. Select or leave out with Surefire's {@code -Dgroups=...} / {@code -DexcludedGroups=...}.
 */
public final class Tags {

    /**
     * Waits out real time on a real hub (IoT Hub expires nothing in under a minute, so each such test takes
     * 1-2 minutes there); on the fake the clock is moved and the test takes milliseconds. Leave these out
     * for a quick real-hub smoke run: {@code -DexcludedGroups=slow-on-real-hub}.
     */
    public static final String SLOW_ON_REAL_HUB = "slow-on-real-hub";

    /**
     * Asserts behaviour that the wire contract (shared/spec) takes from Microsoft's documentation or the SDK
     * sources but that nobody has yet observed on a real hub: the fake implements that reading. A failure of
     * such a test against Azure means the fake is wrong there: report it, and fix the fake, not the test.
     */
    public static final String UNVERIFIED_ON_REAL_HUB = "unverified-on-real-hub";

    private Tags() {
    }
}
