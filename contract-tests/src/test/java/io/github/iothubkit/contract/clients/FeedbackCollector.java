package io.github.iothubkit.contract.clients;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import io.github.iothubkit.contract.target.HubUnderTest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The service SDK's {@link MessageFeedbackProcessorClient}, keeping the records of one device. The feedback
 * link carries the whole hub's feedback (other tests' and other runs' too), so everything else is ignored.
 */
public final class FeedbackCollector implements AutoCloseable {

    /** One record as the SDK reports it. */
    public record Feedback(String originalMessageId, FeedbackStatusCode statusCode, String description) {
    }

    private final String deviceId;
    private final List<Feedback> records = new ArrayList<>();
    private final MessageFeedbackProcessorClient client;

    private FeedbackCollector(HubUnderTest hub, String deviceId) {
        this.deviceId = deviceId;
        MessageFeedbackProcessorClientOptions.MessageFeedbackProcessorClientOptionsBuilder options =
                MessageFeedbackProcessorClientOptions.builder();
        if (hub.sslContext() != null) {
            options.sslContext(hub.sslContext());
        }
        this.client = new MessageFeedbackProcessorClient(hub.serviceConnectionString(),
                IotHubServiceClientProtocol.AMQPS, this::onBatch, options.build());
    }

    /** Starts receiving; started before the first send, so that no record can be missed. */
    public static FeedbackCollector start(HubUnderTest hub, String deviceId) throws IotHubException, IOException,
            InterruptedException, TimeoutException {
        FeedbackCollector collector = new FeedbackCollector(hub, deviceId);
        collector.client.start();
        return collector;
    }

    private AcknowledgementType onBatch(FeedbackBatch batch) {
        synchronized (records) {
            for (FeedbackRecord r : batch.getRecords()) {
                if (deviceId.equals(r.getDeviceId())) {
                    records.add(new Feedback(r.getOriginalMessageId(), r.getStatusCode(), r.getDescription()));
                }
            }
            records.notifyAll();
        }
        return AcknowledgementType.COMPLETE;
    }

    /** Every record for the device so far. */
    public List<Feedback> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Waits for the record of a message; an AssertionError listing what did arrive after {@code timeout}. */
    public Feedback await(String messageId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (records) {
            while (true) {
                for (Feedback f : records) {
                    if (messageId.equals(f.originalMessageId())) {
                        return f;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no feedback for message '" + messageId + "' of device '" + deviceId
                            + "' within " + timeout + "; received: " + records);
                }
                records.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The records for these message ids once all have arrived. */
    public List<Feedback> awaitAll(Duration timeout, String... messageIds) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Feedback> found = new ArrayList<>();
        for (String id : messageIds) {
            long left = Math.max(0, deadline - System.nanoTime());
            found.add(await(id, Duration.ofNanos(left)));
        }
        return found;
    }

    @Override
    public void close() {
        try {
            if (client.isRunning()) {
                client.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
