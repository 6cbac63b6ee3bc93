package io.github.iothubkit.benchmark;

import java.util.Arrays;
import java.util.Locale;

/** Latency samples in nanoseconds and what the report needs of them. */
final class Stats {

    private long[] samples = new long[64];
    private int count;

    void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    int count() {
        return count;
    }

    /** The q-quantile (0..1) by the nearest-rank method, in milliseconds; NaN when empty. */
    double percentileMs(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
    }

    double p50() {
        return percentileMs(0.50);
    }

    double p99() {
        return percentileMs(0.99);
    }

    double minMs() {
        return percentileMs(0);
    }

    double maxMs() {
        return percentileMs(1);
    }

    double meanMs() {
        if (count == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += samples[i];
        }
        return sum / count / 1e6;
    }

    static String ms(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        return ms < 10 ? String.format(Locale.ROOT, "%.3f", ms) : String.format(Locale.ROOT, "%.1f", ms);
    }

    /**
     * CPU time of this whole process (hub, broker and clients), or -1. Less sensitive than wall time to other
     * processes on a shared machine: compare raw and fake by CPU per message too.
     */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    static double max(long[] nanos) {
        return nanos.length == 0 ? Double.NaN : Arrays.stream(nanos).max().getAsLong() / 1e6;
    }

    static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[(sorted.length - 1) / 2] / 1e6;
    }
}
