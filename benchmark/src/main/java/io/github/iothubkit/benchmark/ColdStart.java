package io.github.iothubkit.benchmark;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.tls.HubCertificates;
import java.util.Locale;

/**
 * Run in a fresh JVM by {@link StartStopBench}: the first hub start of a process, class loading and TLS
 * generation included. Arguments: {@code host [split]}; with {@code split} the certificates are made
 * first, on their own, so the report can tell them apart from the listeners. Prints
 * {@code COLDSTART certs_ms=.. start_ms=.. stop_ms=.. main_to_started_ms=.. cpu_ms=..}, after a
 * {@code COLDSTART-MAIN} line as soon as main() runs; {@code cpu_ms} is the process CPU (all threads, the
 * JIT's included) from JVM start until the hub had started, a figure the machine's load hardly moves.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) {
        HubBenchmark.quietLogging();
        long mainNanos = System.nanoTime();
        System.out.println("COLDSTART-MAIN"); // the parent times spawn -> here (the OS start time is too coarse)
        String host = args.length > 0 ? args[0] : Options.HOST_COLD;
        boolean split = args.length > 1 && args[1].equals("split");
        double certsMs = -1;
        if (split) {
            long t = System.nanoTime();
            HubCertificates.generate(host);
            certsMs = (System.nanoTime() - t) / 1e6;
        }
        long t0 = System.nanoTime();
        FakeIotHub hub = FakeIotHub.builder().host(host).mqttPort(0).amqpPort(0).start();
        long t1 = System.nanoTime();
        long cpu = Stats.processCpuNanos(); // read after the start: its class loading is not counted
        hub.close();
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "COLDSTART certs_ms=%.1f start_ms=%.1f stop_ms=%.1f main_to_started_ms=%.1f"
                + " cpu_ms=%.1f%n", certsMs, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t1 - mainNanos) / 1e6, cpu / 1e6);
        System.out.flush();
        System.exit(0);
    }
}
