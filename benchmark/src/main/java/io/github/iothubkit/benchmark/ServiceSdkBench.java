package io.github.iothubkit.benchmark;

import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.FakeIotHubException;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.c2d.CloudToDevice;
import io.github.iothubkit.fakehub.clients.HubClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Part 3: C2D sent with the real service SDK ({@code MessagingClient}, AMQPS on the fixed port 5671) to raw
 * devices. The SDK queues every send and flushes its queue on a 200 ms reactor timer, so its latency is
 * mostly that timer; the hub's own share is measured from the record's enqueuedTime.
 *
 * <p>SDK 2.1.9 quirk: {@code CloudToDeviceMessageSenderLinkHandler.onLinkFlow} schedules a new self-renewing
 * 200 ms timer on every AMQP flow frame, so each credit top-up the hub sends adds one more flush chain: the
 * longer a link lives (the more flow frames), the shorter the SDK's wait. Figures therefore depend on the
 * messages sent before them; this part always runs the same sequence.
 */
final class ServiceSdkBench {

    private static final String PART = "3 service SDK C2D";
    private static final Duration STALL = Duration.ofSeconds(10);

    private ServiceSdkBench() {
    }

    static void run(Options o, Report report) throws Exception {
        FakeIotHub hub;
        try {
            hub = FakeIotHub.builder().host(Options.HOST_SDK).mqttPort(0).start();
        } catch (FakeIotHubException e) {
            report.add(PART, "skipped", "-", "", e.getMessage());
            return;
        }
        List<BenchDevice> devices = new ArrayList<>();
        MessagingClient client = null;
        try {
            for (int i = 0; i < o.devices(); i++) {
                devices.add(BenchDevice.of(hub, hub.devices().create("sdk-" + i), Options.WINDOW));
            }
            client = HubClients.messagingClient(hub);
            long openStart = System.nanoTime();
            client.open();
            report.millis(PART, "MessagingClient.open()", (System.nanoTime() - openStart) / 1e6, "TLS, SASL, CBS, link");
            CloudToDevice c2d = hub.cloudToDevice();
            MessagingClient sdk = client;

            burst(sdk, c2d, devices, o, Math.min(200, o.sdkMessages()), "w", null); // warm-up
            sequential(sdk, c2d, devices.get(0), o, report);
            burst(sdk, c2d, devices, o, o.sdkMessages(), "b", report);
        } finally {
            if (client != null) {
                client.close();
            }
            devices.forEach(BenchDevice::close);
            hub.close();
        }
    }

    private static Message message(String id, byte[] payload) {
        Message m = new Message(payload);
        m.setMessageId(id);
        m.setDeliveryAcknowledgement(DeliveryAcknowledgement.None); // like the in-process part: no feedback
        return m;
    }

    /**
     * Blocking send() one at a time: back to back (what a test does; each send waits for the next timer
     * tick) and with a random pause, so the timer's phase is uniform and its share can be read off.
     */
    private static void sequential(MessagingClient sdk, CloudToDevice c2d, BenchDevice device, Options o,
            Report report) throws Exception {
        Stats backToBack = Driver.sequential(device, 10, 0, o.payload(),
                (d, k, payload) -> sdk.send(d.id, message("q" + k, payload)),
                (k, sent) -> c2d.awaitOutcome("q" + k, C2dOutcome.COMPLETED, STALL));
        report.latency(PART, "send() back to back -> device", backToBack, "waits for the SDK's next timer tick");

        Stats call = new Stats();
        Stats toAccept = new Stats();
        Stats acceptToReturn = new Stats();
        Instant[] started = new Instant[1];
        Stats toDevice = Driver.sequential(device, 30, 100, o.payload(), (d, k, payload) -> {
            TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(200));
            started[0] = Instant.now();
            long t0 = System.nanoTime();
            sdk.send(d.id, message("r" + k, payload));
            call.add(System.nanoTime() - t0);
            C2dRecord record = c2d.find("r" + k).orElseThrow();
            toAccept.add(Duration.between(started[0], record.enqueuedTime()).toNanos());
            acceptToReturn.add(Duration.between(record.enqueuedTime(), Instant.now()).toNanos());
        }, (k, sent) -> c2d.awaitOutcome("r" + k, C2dOutcome.COMPLETED, STALL)); // outside the measured span
        report.latency(PART, "send() random phase: call", call, "min " + Stats.ms(call.minMs()) + " ms");
        report.latency(PART, "  send start -> hub accepted", toAccept, "min " + Stats.ms(toAccept.minMs())
                + ", mean " + Stats.ms(toAccept.meanMs()) + " ms: SDK timer wait + wire + hub");
        report.latency(PART, "  hub accepted -> send() returns", acceptToReturn, "disposition + SDK callback");
        report.latency(PART, "  send start -> device callback", toDevice, "");
        // The timer's phase is uniform, so the fastest sample is (almost) pure wire + hub; the rest is waiting.
        double ours = toAccept.minMs() + acceptToReturn.p50();
        report.add(PART, "  estimate: SDK timer wait / wire + hub", Stats.ms(toAccept.meanMs() - toAccept.minMs())
                + " / " + Stats.ms(ours), "ms", "mean(start->accepted) - min; min(start->accepted) + p50(accepted->return)");
        FakeHubC2dBench.verify(PART, c2d, 40, report, "SDK sequential");
    }

    /** sendAsync() from one thread, at most WINDOW messages per device on their way. */
    private static void burst(MessagingClient sdk, CloudToDevice c2d, List<BenchDevice> devices, Options o, int n,
            String prefix, Report report) throws Exception {
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        Driver.Burst burst = Driver.burst(devices, n, o.payload(), true, STALL, (d, k, payload) ->
                sdk.sendAsync(d.id, message(prefix + k, payload), result -> {
                    if (result.wasSentSuccessfully()) {
                        accepted.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        d.release();
                    }
                }, null));
        long deadline = System.nanoTime() + STALL.toNanos();
        while (accepted.get() + failed.get() < burst.sent() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(1);
        }
        FakeHubC2dBench.awaitLastCompleted(c2d, prefix, burst.sent(), devices.size(), STALL);
        long toCompleted = System.nanoTime() - burst.startNanos();
        if (report == null) {
            c2d.reset();
            return;
        }
        report.rate(PART, "sendAsync throughput to device, window " + Options.WINDOW + "/device", burst.perSecond(),
                burst.note() + ", SDK failures " + failed.get());
        report.rate(PART, "sendAsync throughput to COMPLETED", burst.distinct() * 1e9 / toCompleted,
                "one 200 ms timer chain would bound it at window x devices x 5 = "
                        + (Options.WINDOW * devices.size() * 5) + " msg/s; see the class comment");
        FakeHubC2dBench.verify(PART, c2d, burst.sent(), report, "SDK burst");
    }
}
