package io.github.iothubkit.benchmark;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The load patterns every part shares: a windowed (or unbounded) burst, and one message at a time. */
final class Driver {

    /** Pushes message {@code index} towards {@code device}, by whatever path is measured. */
    @FunctionalInterface
    interface Sender {
        void send(BenchDevice device, int index, byte[] payload) throws Exception;
    }

    /** The result of one burst. {@code nanos} runs from the first send to the last new arrival. */
    record Burst(int sent, int distinct, int received, long startNanos, long nanos, long cpuNanos) {
        double perSecond() {
            return nanos <= 0 ? 0 : distinct * 1e9 / nanos;
        }

        int lost() {
            return sent - distinct;
        }

        int duplicates() {
            return received - distinct;
        }

        /** Process CPU per message sent, in microseconds (clients included). */
        double cpuMicrosPerMessage() {
            return cpuNanos < 0 || sent == 0 ? Double.NaN : cpuNanos / 1e3 / sent;
        }

        /** "990/1000 arrived, lost 10, duplicates 0, 12.3 ms, process CPU 40 us/msg": the report's note. */
        String note() {
            return distinct + "/" + sent + " arrived, lost " + lost() + ", duplicates " + duplicates() + ", "
                    + Stats.ms(nanos / 1e6) + " ms, process CPU "
                    + String.format(java.util.Locale.ROOT, "%.0f", cpuMicrosPerMessage()) + " us/msg";
        }
    }

    private Driver() {
    }

    /**
     * Sends {@code n} messages round-robin over the devices. With {@code window > 0} each device has at most
     * that many messages on their way (sent, not yet arrived); with 0 the sender never waits. Returns once
     * every message arrived, or when nothing new arrived for {@code stall}.
     */
    static Burst burst(List<BenchDevice> devices, int n, int payloadSize, boolean windowed, Duration stall,
            Sender sender) throws Exception {
        devices.forEach(BenchDevice::reset);
        int sent = 0;
        long cpu = Stats.processCpuNanos();
        long start = System.nanoTime();
        for (int k = 0; k < n; k++) {
            BenchDevice device = devices.get(k % devices.size());
            if (windowed && !device.acquire(stall)) {
                break; // nothing arrived for a long time: the rest would only wait too
            }
            sender.send(device, k, BenchDevice.payload(k, payloadSize));
            sent++;
        }
        int distinct = awaitArrivals(devices, sent, stall);
        long last = devices.stream().mapToLong(BenchDevice::lastArrivalNanos).max().orElse(start);
        int received = devices.stream().mapToInt(BenchDevice::received).sum();
        long cpuUsed = cpu < 0 ? -1 : Stats.processCpuNanos() - cpu;
        return new Burst(sent, distinct, received, start, last - start, cpuUsed);
    }

    /** Waits until {@code expected} distinct messages arrived, or nothing new came for {@code stall}. */
    static int awaitArrivals(List<BenchDevice> devices, int expected, Duration stall) {
        int seen = -1;
        long progress = System.nanoTime();
        while (true) {
            int now = devices.stream().mapToInt(BenchDevice::distinct).sum();
            if (now >= expected) {
                return now;
            }
            if (now != seen) {
                seen = now;
                progress = System.nanoTime();
            } else if (System.nanoTime() - progress > stall.toNanos()) {
                return now;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    /**
     * One message at a time to one device: returns send → device callback per message. {@code after} runs
     * after each arrival and may add its own figures (outside the measured span).
     */
    static Stats sequential(BenchDevice device, int samples, int firstIndex, int payloadSize, Sender sender,
            AfterArrival after) throws Exception {
        Stats stats = new Stats();
        device.reset();
        device.recordArrivals(true);
        try {
            for (int i = 0; i < samples; i++) {
                int index = firstIndex + i;
                byte[] payload = BenchDevice.payload(index, payloadSize);
                long start = System.nanoTime();
                sender.send(device, index, payload);
                BenchDevice.Arrival arrival = device.awaitArrival(index, Duration.ofSeconds(10));
                if (arrival == null) {
                    throw new IllegalStateException("message " + index + " did not reach " + device.id + " in 10 s");
                }
                stats.add(arrival.nanos() - start);
                if (after != null) {
                    after.accept(index, start);
                }
            }
        } finally {
            device.recordArrivals(false);
        }
        return stats;
    }

    /** Runs after an arrival in {@link #sequential}. */
    @FunctionalInterface
    interface AfterArrival {
        void accept(int index, long sentNanos) throws Exception;
    }
}
