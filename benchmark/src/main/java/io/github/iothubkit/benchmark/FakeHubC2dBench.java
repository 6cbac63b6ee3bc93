package io.github.iothubkit.benchmark;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.c2d.CloudToDevice;
import io.github.iothubkit.fakehub.c2d.QueueFullException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Part 2: the fake hub's whole C2D path, in-process send → queue → MQTT → device PUBACK → COMPLETED. */
final class FakeHubC2dBench {

    private static final String PART = "2 fake hub C2D";
    private static final Duration STALL = Duration.ofSeconds(10);
    private static final Duration COMPLETION = Duration.ofSeconds(10);

    private FakeHubC2dBench() {
    }

    /** Returns the throughput to COMPLETED in msg/s. */
    static double run(Options o, Report report) throws Exception {
        try (FakeIotHub hub = FakeIotHub.builder().host(Options.HOST_HUB).mqttPort(0).amqpPort(0).start()) {
            List<BenchDevice> devices = new ArrayList<>();
            try {
                for (int i = 0; i < o.devices(); i++) {
                    devices.add(BenchDevice.of(hub, hub.devices().create("bench-" + i), Options.WINDOW));
                }
                CloudToDevice c2d = hub.cloudToDevice();
                AtomicInteger queueFull = new AtomicInteger();

                measuredBurst(c2d, devices, o, o.warmup(), "w", queueFull, null);
                queueFull.set(0);
                double rate = measuredBurst(c2d, devices, o, o.messages(), "b", queueFull, report);

                Stats sendCall = new Stats();
                Stats completed = new Stats();
                Driver.Sender timedSend = (d, k, payload) -> {
                    long start = System.nanoTime();
                    send(c2d, d.id, C2dMessage.of(payload).messageId("s" + k), queueFull);
                    sendCall.add(System.nanoTime() - start);
                };
                Stats callback = Driver.sequential(devices.get(0), o.samples(), 0, o.payload(), timedSend,
                        (k, sent) -> {
                            c2d.awaitOutcome("s" + k, C2dOutcome.COMPLETED, COMPLETION);
                            completed.add(System.nanoTime() - sent);
                        });
                report.latency(PART, "latency send -> device callback", callback, "sequential");
                report.latency(PART, "latency send -> COMPLETED", completed, "sequential, awaitOutcome");
                report.latency(PART, "in-process send() call", sendCall, "queue + hand-off to the event loop");
                verify(PART, c2d, o.samples(), report, "sequential");
                return rate;
            } finally {
                devices.forEach(BenchDevice::close);
            }
        }
    }

    /** One windowed burst; completion is awaited and checked. Reports its figures when {@code report} is set. */
    private static double measuredBurst(CloudToDevice c2d, List<BenchDevice> devices, Options o, int n, String prefix,
            AtomicInteger queueFull, Report report) throws Exception {
        Driver.Burst burst = Driver.burst(devices, n, o.payload(), true, STALL,
                (d, k, payload) -> send(c2d, d.id, C2dMessage.of(payload).messageId(prefix + k), queueFull));
        awaitLastCompleted(c2d, prefix, burst.sent(), devices.size(), COMPLETION);
        long toCompleted = System.nanoTime() - burst.startNanos();
        double rate = burst.distinct() * 1e9 / toCompleted;
        if (report != null) {
            report.rate(PART, "throughput to device callback, window " + Options.WINDOW + "/device",
                    burst.perSecond(), burst.note());
            report.rate(PART, "throughput to COMPLETED", rate, Stats.ms(toCompleted / 1e6) + " ms; \"queue full\" retries "
                    + queueFull.get());
            verify(PART, c2d, burst.sent(), report, "burst");
        } else {
            c2d.reset();
        }
        return rate;
    }

    /**
     * Waits until the last accepted message of each device is COMPLETED: a device completes in order (PUBACKs
     * go out in order), so then all of its messages are. Gives up at the first timeout; verify() counts what
     * is missing.
     */
    static void awaitLastCompleted(CloudToDevice c2d, String prefix, int sent, int devices, Duration timeout) {
        for (int d = 0; d < devices && d < sent; d++) {
            String last = prefix + (sent - 1 - ((sent - 1 - d) % devices)); // message k goes to device k % devices
            if (c2d.find(last).isEmpty()) {
                continue; // never accepted by the hub
            }
            try {
                c2d.awaitOutcome(last, C2dOutcome.COMPLETED, timeout);
            } catch (AssertionError e) {
                return;
            }
        }
    }

    /** Every message sent must be COMPLETED, once. Anything else is a problem of the fake. */
    static void verify(String part, CloudToDevice c2d, int sent, Report report, String phase) {
        List<C2dRecord> records = c2d.records();
        long completed = records.stream().filter(r -> r.outcomes().contains(C2dOutcome.COMPLETED)).count();
        long redelivered = records.stream().filter(r -> r.deliveryCount() > 1).count();
        report.add(part, "check (" + phase + ")", completed + "/" + sent, "COMPLETED",
                "records " + records.size() + ", redelivered " + redelivered);
        if (completed != sent || records.size() != sent) {
            report.problem("fake hub " + phase + ": " + completed + " of " + sent + " messages COMPLETED ("
                    + records.size() + " records)");
        }
        c2d.reset();
    }

    /** The in-process send; "queue full" (IoT Hub's 50-message depth) is waited out, and counted. */
    static void send(CloudToDevice c2d, String deviceId, C2dMessage message, AtomicInteger queueFull) {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (true) {
            try {
                c2d.send(deviceId, message);
                return;
            } catch (QueueFullException e) {
                queueFull.incrementAndGet();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(100_000);
            }
        }
    }
}
