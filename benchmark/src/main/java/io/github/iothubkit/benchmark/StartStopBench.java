package io.github.iothubkit.benchmark;

import io.github.iothubkit.fakehub.FakeIotHub;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Part 4: how long a hub takes to start and stop, warm and in a fresh JVM, next to bare Moquette. */
final class StartStopBench {

    private static final String PART = "4 start/stop";
    static final double WARM_START_BAR_MS = 50;
    static final double STOP_BAR_MS = 100;

    record Figures(double warmStartMs, double stopMs) {
    }

    private StartStopBench() {
    }

    static Figures run(Report report) throws Exception {
        int cycles = 20;
        long[] starts = new long[cycles];
        long[] stops = new long[cycles];
        long cpu = 0;
        for (int i = -3; i < cycles; i++) { // three unmeasured cycles warm the JIT and the shared Vert.x
            if (i == 0) {
                cpu = Stats.processCpuNanos();
            }
            long t0 = System.nanoTime();
            FakeIotHub hub = FakeIotHub.builder().host(Options.HOST_WARM).mqttPort(0).amqpPort(0).start();
            long t1 = System.nanoTime();
            hub.close();
            long t2 = System.nanoTime();
            if (i >= 0) {
                starts[i] = t1 - t0;
                stops[i] = t2 - t1;
            }
        }
        double cpuPerCycle = cpu < 0 ? Double.NaN : (Stats.processCpuNanos() - cpu) / 1e6 / cycles;
        double warm = Stats.median(starts);
        double stop = Stats.median(stops);
        report.millis(PART, "fake hub start, warm (median of " + cycles + ")", warm,
                "bar <= " + (int) WARM_START_BAR_MS + " ms: " + (warm <= WARM_START_BAR_MS ? "met" : "MISSED")
                        + "; max " + Stats.ms(Stats.max(starts)));
        report.millis(PART, "fake hub stop (median of " + cycles + ")", stop,
                "bar <= " + (int) STOP_BAR_MS + " ms: " + (stop <= STOP_BAR_MS ? "met" : "MISSED")
                        + "; max " + Stats.ms(Stats.max(stops)));
        report.millis(PART, "  process CPU per start+stop cycle", cpuPerCycle, "all threads; less sensitive than"
                + " wall time to a loaded machine");

        coldStarts(report, 3);
        moquette(report);
        return new Figures(warm, stop);
    }

    /**
     * {@code runs} fresh JVMs measure their first start; as many again make the certificates on their own
     * first, which splits the start into certificates and the rest (listeners, Moquette, Vert.x, TLS contexts).
     */
    static void coldStarts(Report report, int runs) throws Exception {
        List<Map<String, Double>> whole = new ArrayList<>();
        List<Map<String, Double>> split = new ArrayList<>();
        long[] walls = new long[runs];
        long parentCpu = Stats.processCpuNanos();
        long parentWall = System.nanoTime();
        for (int i = 0; i < runs; i++) { // interleaved, so a noisy moment hits both kinds alike
            long t0 = System.nanoTime();
            whole.add(child(false));
            walls[i] = System.nanoTime() - t0;
            split.add(child(true));
        }
        double parentShare = parentCpu < 0 ? Double.NaN
                : (Stats.processCpuNanos() - parentCpu) / (double) (System.nanoTime() - parentWall);
        long[] first = column(whole, "start_ms");
        report.millis(PART, "fake hub FIRST start, fresh JVM (median of " + runs + ")", Stats.median(first),
                "TLS generation + class loading included; runs " + list(first));
        report.millis(PART, "  its process CPU, JVM start -> started", Stats.median(column(whole, "cpu_ms")),
                "all threads, JIT included: hardly moved by the load, unlike the wall time");
        report.millis(PART, "  its stop", Stats.median(column(whole, "stop_ms")), "");
        report.millis(PART, "  JVM boot before main()", Stats.median(column(whole, "boot_ms")),
                "spawn -> first line printed by main()");
        report.millis(PART, "  whole child process", Stats.median(walls), String.format(Locale.ROOT,
                "spawn -> exit, as a test JVM would pay; this process used %.0f %% of a core meanwhile",
                parentShare * 100));
        report.millis(PART, "  split: certificates alone, fresh JVM", Stats.median(column(split, "certs_ms")),
                "EC P-256 keys, CA and server certificate; median of " + runs);
        report.millis(PART, "  split: then the hub start", Stats.median(column(split, "start_ms")),
                "listeners, Moquette, Vert.x, TLS contexts; median of " + runs);
    }

    private static long[] column(List<Map<String, Double>> runs, String key) {
        return runs.stream().mapToLong(r -> (long) (r.get(key) * 1e6)).toArray();
    }

    private static String list(long[] nanos) {
        StringBuilder b = new StringBuilder();
        for (long n : nanos) {
            b.append(b.length() == 0 ? "" : ", ").append(Stats.ms(n / 1e6));
        }
        return b.toString();
    }

    private static Map<String, Double> child(boolean split) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath(), ColdStart.class.getName(),
                Options.HOST_COLD));
        if (split) {
            command.add("split");
        }
        long spawned = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Double> values = new HashMap<>();
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                output.append(line).append('\n');
                if (line.equals("COLDSTART-MAIN")) {
                    values.put("boot_ms", (System.nanoTime() - spawned) / 1e6);
                }
                if (line.startsWith("COLDSTART ")) {
                    for (String pair : line.substring(10).trim().split(" ")) {
                        String[] kv = pair.split("=");
                        values.put(kv[0], Double.parseDouble(kv[1]));
                    }
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the cold-start JVM did not end within 60 s");
        }
        if (process.exitValue() != 0 || !values.containsKey("start_ms")) {
            throw new IllegalStateException("the cold-start JVM failed (exit " + process.exitValue() + "):\n" + output);
        }
        return values;
    }

    /**
     * The class path this benchmark runs on. Under exec:java it is the plugin's class loader (java.class.path
     * is then Maven's own launcher), in a plain JVM java.class.path.
     */
    static String classPath() throws URISyntaxException {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader l = StartStopBench.class.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        entries.add(new File(url.toURI()).getPath());
                    }
                }
            }
        }
        if (entries.isEmpty() || entries.stream().noneMatch(e -> e.contains("fake-hub"))) {
            return System.getProperty("java.class.path");
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Bare Moquette on the same TLS material: its start, and its stop with Netty's 2 s quiet period. */
    private static void moquette(Report report) throws Exception {
        RawMoquette.start(Options.HOST_RAW_START).close(); // warm-up
        int cycles = 3;
        long[] starts = new long[cycles];
        long[] stops = new long[cycles];
        for (int i = 0; i < cycles; i++) {
            long t0 = System.nanoTime();
            RawMoquette broker = RawMoquette.start(Options.HOST_RAW_START);
            long t1 = System.nanoTime();
            broker.close();
            stops[i] = System.nanoTime() - t1;
            starts[i] = t1 - t0;
        }
        report.millis(PART, "raw Moquette start, warm (median of " + cycles + ")", Stats.median(starts),
                "incl. its certificates, like the hub");
        report.millis(PART, "raw Moquette stop (median of " + cycles + ")", Stats.median(stops),
                "Netty shutdownGracefully: 2 s quiet period");
    }
}
