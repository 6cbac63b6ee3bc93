package io.github.iothubkit.benchmark;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Measures the fake hub against bare Moquette 0.17 in one run and prints a table plus the ratios:
 * <ol>
 *   <li>raw Moquette: {@code internalPublish} to HiveMQ subscribers over TLS (throughput, loss, latency);</li>
 *   <li>the fake hub's whole C2D path, in-process send to COMPLETED (throughput, zero loss, latency);</li>
 *   <li>C2D through the real service SDK's MessagingClient (AMQPS 5671) and what its 200 ms timer costs;</li>
 *   <li>hub start/stop, warm and in a fresh JVM, next to Moquette's own;</li>
 *   <li>telemetry from MQTT devices to the real Event Hubs consumer through the built-in endpoint.</li>
 * </ol>
 * Everything runs on 127.0.0.60-66, is bounded in time and writes nothing. Exit status 1 if the fake hub
 * lost a message or a part failed. Run from the repository root:
 * <pre>mvn -q -pl benchmark -am compile exec:java [-Dexec.args="messages payloadBytes devices"]</pre>
 * (defaults 10000 256 4). {@code -Dexec.args="cold [runs]"} measures only the first start in fresh JVMs.
 */
public final class HubBenchmark {

    static final double THROUGHPUT_BAR = 0.5;

    private HubBenchmark() {
    }

    public static void main(String[] args) {
        quietLogging();
        int code;
        try {
            code = args.length > 0 && args[0].equals("cold") ? cold(args, System.out) : run(Options.parse(args), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: HubBenchmark [messages] [payloadBytes] [devices]   (defaults "
                    + Options.DEFAULT_MESSAGES + " " + Options.DEFAULT_PAYLOAD + " " + Options.DEFAULT_DEVICES + ")");
            System.err.println("       HubBenchmark cold [runs]   (first start in fresh JVMs only; default 5 runs)");
            code = 2;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("FAILED: " + e);
            code = 1;
        }
        // HiveMQ, the service SDK and Moquette leave threads behind; exit explicitly (also ends exec:java's JVM).
        System.exit(code);
    }

    static int run(Options o, PrintStream out) {
        long begin = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "Fake IoT Hub benchmark: %d cores, Java %s (%s), %s %s, max heap %d MiB%n",
                rt.availableProcessors(), Runtime.version(), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.arch"), rt.maxMemory() >> 20);
        out.printf(Locale.ROOT, "messages %d, payload %d B, devices %d, window %d/device, latency samples %d;"
                        + " load average %s (other processes share these cores: compare runs with it)%n%n",
                o.messages(), o.payload(), o.devices(), Options.WINDOW, o.samples(), load());
        Report report = new Report();
        double[] rawBurst = new double[1];
        double raw = part(out, report, "1 raw Moquette", () -> RawMoquetteBench.run(o, report, rawBurst));
        double fake = part(out, report, "2 fake hub C2D", () -> FakeHubC2dBench.run(o, report));
        part(out, report, "3 service SDK C2D", () -> {
            ServiceSdkBench.run(o, report);
            return 0;
        });
        part(out, report, "5 telemetry to Event Hubs consumer", () -> {
            EventHubsBench.run(o, report);
            return 0;
        });
        StartStopBench.Figures[] startStop = new StartStopBench.Figures[1];
        part(out, report, "4 start/stop", () -> {
            startStop[0] = StartStopBench.run(report);
            return 0;
        });
        double ratio = raw > 0 && fake > 0 ? fake / raw : Double.NaN;
        report.add("ratios", "throughput fake (to COMPLETED) / raw (windowed)", pct(ratio), "",
                "bar >= " + pct(THROUGHPUT_BAR) + ": " + (ratio >= THROUGHPUT_BAR ? "met" : "MISSED"));
        double burstRatio = rawBurst[0] > 0 && fake > 0 ? fake / rawBurst[0] : Double.NaN;
        report.add("ratios", "throughput fake (to COMPLETED) / raw (unbounded burst)", pct(burstRatio), "",
                "the raw burst has no queue limit (IoT Hub allows 50 per device)");

        out.println();
        report.print(out);
        out.println();
        String start = startStop[0] == null ? "-" : Stats.ms(startStop[0].warmStartMs());
        String stop = startStop[0] == null ? "-" : Stats.ms(startStop[0].stopMs());
        out.printf(Locale.ROOT, "SUMMARY fake/raw throughput %s windowed, %s vs burst (bar >= 50%%); warm start %s ms"
                        + " (bar <= 50); stop %s ms (bar <= 100); lost by the fake: %s; load average %s; total %.0f s%n",
                pct(ratio), pct(burstRatio), start, stop, report.problems().isEmpty() ? "none" : report.problems(),
                load(), (System.nanoTime() - begin) / 1e9);
        return report.problems().isEmpty() ? 0 : 1;
    }

    /** Only the first start in fresh JVMs, with its split: a quick check (about 10 s) for start-up work. */
    static int cold(String[] args, PrintStream out) throws Exception {
        int runs = args.length > 1 ? Integer.parseInt(args[1].strip()) : 5;
        if (runs < 1 || runs > 50) {
            throw new IllegalArgumentException("runs must be 1..50, not " + runs);
        }
        out.printf(Locale.ROOT, "Fake IoT Hub cold start: %d cores, Java %s; load average %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), load());
        Report report = new Report();
        StartStopBench.coldStarts(report, runs);
        report.print(out);
        out.printf(Locale.ROOT, "load average %s after the runs%n", load());
        return 0;
    }

    private interface Part {
        double run() throws Exception;
    }

    /** Runs one part; a failure is reported, and fails the run, but does not stop the other parts. */
    private static double part(PrintStream out, Report report, String name, Part part) {
        out.println("running part " + name + " ...");
        out.flush();
        long t0 = System.nanoTime();
        try {
            double result = part.run();
            out.printf(Locale.ROOT, "  done in %.1f s, load average %s%n", (System.nanoTime() - t0) / 1e9, load());
            return result;
        } catch (Exception | AssertionError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            out.println("  FAILED: " + e);
            report.add(name, "FAILED", "-", "", String.valueOf(e));
            report.problem(name + " failed: " + e);
            return Double.NaN;
        }
    }

    /** The 1-minute system load average: above the core count, other processes compete with the benchmark. */
    static String load() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", load);
    }

    private static String pct(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.0f %%", ratio * 100);
    }

    /** Library logs off (the table is the output); an explicit -Dorg.slf4j.simpleLogger.defaultLogLevel wins. */
    static void quietLogging() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
    }
}
