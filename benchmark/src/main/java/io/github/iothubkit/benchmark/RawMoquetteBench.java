package io.github.iothubkit.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Part 1: what Moquette 0.17 alone does on the same machine, TLS, topic shape and client. */
final class RawMoquetteBench {

    /** Longer than Moquette's 5 s resend timer, so a late redelivery still counts as arrived. */
    private static final Duration STALL = Duration.ofSeconds(7);
    private static final String PART = "1 raw Moquette";

    private RawMoquetteBench() {
    }

    /** Returns the windowed throughput in msg/s, the figure the fake hub is compared with; the burst's in {@code burstRate[0]}. */
    static double run(Options o, Report report, double[] burstRate) throws Exception {
        try (RawMoquette broker = RawMoquette.start(Options.HOST_RAW)) {
            List<BenchDevice> devices = new ArrayList<>();
            try {
                for (int i = 0; i < o.devices(); i++) {
                    devices.add(BenchDevice.anonymous(broker.host, broker.port(), broker.trust.trustManagerFactory(),
                            "raw-" + i, Options.WINDOW));
                }
                Driver.Sender publish = (d, k, payload) -> broker.publish(d.id, k, payload);
                Driver.burst(devices, o.warmup(), o.payload(), true, STALL, publish);

                Driver.Burst windowed = Driver.burst(devices, o.messages(), o.payload(), true, STALL, publish);
                report.rate(PART, "throughput, window " + Options.WINDOW + "/device", windowed.perSecond(),
                        windowed.note());
                Driver.Burst burst = Driver.burst(devices, o.messages(), o.payload(), false, STALL, publish);
                report.rate(PART, "throughput, unbounded burst", burst.perSecond(), burst.note()
                        + (burst.lost() > 0 ? " (silent drop)" : ""));
                burstRate[0] = burst.perSecond();

                Stats latency = Driver.sequential(devices.get(0), o.samples(), o.messages(), o.payload(), publish, null);
                report.latency(PART, "latency publish -> device callback", latency, "sequential");
                return windowed.perSecond();
            } finally {
                devices.forEach(BenchDevice::close);
            }
        }
    }
}
