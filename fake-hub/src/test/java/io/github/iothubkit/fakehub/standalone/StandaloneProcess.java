package io.github.iothubkit.fakehub.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/** {@code java -jar target/fake-hub-standalone.jar ...} as a child process, its output read line by line. */
final class StandaloneProcess implements AutoCloseable {

    /** Set by failsafe (fake-hub/pom.xml) after package has built the jar; absent under surefire. */
    static final String JAR_PROPERTY = "fakehub.standalone.jar";
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> stdoutSeen = Collections.synchronizedList(new ArrayList<>());
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch drained = new CountDownLatch(2);

    private StandaloneProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), line -> {
            stdoutSeen.add(line);
            stdout.add(line);
        }, () -> {
            stdout.add(EOF);
            drained.countDown();
        });
        pump(process.getErrorStream(), stderr::add, drained::countDown);
    }

    /** The jar under test; skips the calling test when not run by failsafe (the jar may not exist yet). */
    static Path jar() {
        String jar = System.getProperty(JAR_PROPERTY);
        Assumptions.assumeTrue(jar != null, "process-level test: run by failsafe at 'mvn verify', after package");
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: the package phase should have built it");
        }
        return Path.of(jar);
    }

    static StandaloneProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        return new StandaloneProcess(new ProcessBuilder(command).start());
    }

    private static void pump(InputStream in, Consumer<String> lines, Runnable atEnd) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                // the process went away; what was read is kept
            } finally {
                atEnd.run();
            }
        }, "standalone-output");
        t.setDaemon(true);
        t.start();
    }

    /** The stdout lines up to and including READY; fails on timeout or early exit, showing stderr. */
    List<String> awaitReady(Duration timeout) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = stdout.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                throw new AssertionError((line == null ? "no READY within " + timeout : "exited before READY")
                        + "; stdout " + lines + "; stderr:\n" + String.join("\n", stderr));
            }
            lines.add(line);
            if (line.equals("READY")) {
                return lines;
            }
        }
    }

    /** Waits for the process to end (and its output to be read); returns its exit code; fails after the timeout. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "; stderr:\n" + String.join("\n", stderr));
        }
        drained.await(5, TimeUnit.SECONDS);
        return process.exitValue();
    }

    /** SIGTERM. */
    void terminate() {
        process.destroy();
    }

    List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /** Every stdout line read so far. */
    List<String> stdout() {
        synchronized (stdoutSeen) {
            return List.copyOf(stdoutSeen);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
