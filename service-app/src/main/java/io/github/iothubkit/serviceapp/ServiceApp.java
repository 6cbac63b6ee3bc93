package io.github.iothubkit.serviceapp;

import io.github.iothubkit.appsupport.ConnectionStrings;
import io.github.iothubkit.appsupport.TrustedCa;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLContext;

/**
 * The tutorial's back end (SendCloudToDeviceMessage.py) on the Java service SDK: sends N messages to
 * one device over AMQPS with {@link MessagingClient} and, if asked, waits for their delivery feedback
 * with {@link MessageFeedbackProcessorClient}.
 *
 * <p>Each message carries the tutorial's properties: messageId {@code message_i}, correlationId
 * {@code correlation_i}, application property {@code testProperty=PropMsg_i}, ack mode {@code full}.
 * The tutorial also sets contentType {@code application/json}; the Java service SDK 2.1.9 has no
 * content-type field on its {@link Message} (nor does it put one on the wire), so the device sees none.
 */
public final class ServiceApp {

    public static final String CONNECTION_STRING_VARIABLE = "IOTHUB_CONNECTION_STRING";
    public static final String DEVICE_ID_VARIABLE = "IOTHUB_DEVICE_ID";
    public static final String TRUSTED_CA_VARIABLE = "IOTHUB_TRUSTED_CA_PEM";
    public static final String MESSAGE_COUNT_VARIABLE = "IOTHUB_MESSAGE_COUNT";
    public static final String FEEDBACK_TIMEOUT_VARIABLE = "IOTHUB_FEEDBACK_TIMEOUT_SECONDS";

    private static final double AVG_WIND_SPEED = 10.0;

    /**
     * What to send and where. {@code feedbackTimeout} null means: do not wait for feedback (as the
     * tutorial); {@code random} feeds the body so tests can fix it.
     */
    public record Config(String connectionString, String deviceId, SSLContext sslContext, int messageCount,
            Duration feedbackTimeout, PrintStream out, DoubleSupplier random) {

        public Config {
            Objects.requireNonNull(connectionString, "connectionString");
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(random, "random");
            if (messageCount < 0) {
                throw new IllegalArgumentException("messageCount must not be negative");
            }
        }

        /** Two messages, no feedback wait, JVM default trust, printing to {@code System.out}. */
        public static Config of(String connectionString, String deviceId) {
            return new Config(connectionString, deviceId, null, 2, null, System.out,
                    () -> ThreadLocalRandom.current().nextDouble());
        }

        public Config withSslContext(SSLContext context) {
            return new Config(connectionString, deviceId, context, messageCount, feedbackTimeout, out, random);
        }

        /** PEM text or the path of a PEM file. */
        public Config withTrustedCa(String pemOrPath) {
            return withSslContext(trusted(pemOrPath));
        }

        public Config withMessageCount(int count) {
            return new Config(connectionString, deviceId, sslContext, count, feedbackTimeout, out, random);
        }

        public Config withFeedbackTimeout(Duration timeout) {
            return new Config(connectionString, deviceId, sslContext, messageCount, timeout, out, random);
        }

        public Config withOutput(PrintStream stream) {
            return new Config(connectionString, deviceId, sslContext, messageCount, feedbackTimeout, stream, random);
        }

        public Config withRandom(DoubleSupplier source) {
            return new Config(connectionString, deviceId, sslContext, messageCount, feedbackTimeout, out, source);
        }
    }

    /** One delivery-feedback record, as the SDK reports it (status names are the SDK's enum names). */
    public record Feedback(String originalMessageId, String statusCode, String deviceId, String description) {
    }

    /** What a run did: the ids sent, in order, and the feedback received for them. */
    public record Result(List<String> sentMessageIds, List<Feedback> feedback) {

        public Result {
            sentMessageIds = List.copyOf(sentMessageIds);
            feedback = List.copyOf(feedback);
        }

        /** Sent ids with no feedback record. */
        public List<String> missingFeedback() {
            List<String> missing = new ArrayList<>(sentMessageIds);
            feedback.forEach(f -> missing.remove(f.originalMessageId()));
            return missing;
        }
    }

    private final Config config;
    private final String hostName;
    private final List<Feedback> feedback = new ArrayList<>();

    public ServiceApp(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        String host = ConnectionStrings.attribute(config.connectionString(), "HostName");
        this.hostName = host == null ? "?" : host;
    }

    /** The tutorial's message {@code i}; {@code random} in [0, 1) picks the wind speed. */
    public static Message tutorialMessage(int i, double random) {
        String body = String.format(Locale.ROOT, "{\"service client sent a message\": %.2f}",
                AVG_WIND_SPEED + (random * 4 + 2));
        Message message = new Message(body);
        message.setMessageId("message_" + i);
        message.setCorrelationId("correlation_" + i);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("testProperty", "PropMsg_" + i);
        message.setProperties(properties);
        // Full: the hub reports both delivery (Success) and failure (Expired, DeliveryCountExceeded, Rejected).
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
        return message;
    }

    /**
     * Sends the messages and, if configured, waits for their feedback.
     *
     * @throws ServiceAppException with a one-line message on any expected failure; a feedback timeout
     *                             is not one: the result's {@link Result#missingFeedback()} says so
     */
    public Result run() {
        MessagingClient messaging;
        MessageFeedbackProcessorClient feedbackClient = null;
        try {
            messaging = new MessagingClient(config.connectionString(), IotHubServiceClientProtocol.AMQPS,
                    messagingOptions());
            if (config.feedbackTimeout() != null) {
                feedbackClient = new MessageFeedbackProcessorClient(config.connectionString(),
                        IotHubServiceClientProtocol.AMQPS, this::onFeedback, feedbackOptions());
            }
        } catch (IllegalArgumentException e) {
            throw ServiceFailures.malformedConnectionString(e);
        }
        List<String> sent = new ArrayList<>();
        try {
            // Started first, so that no feedback can be missed however fast the device is.
            if (feedbackClient != null) {
                feedbackClient.start();
            }
            messaging.open();
            for (int i = 0; i < config.messageCount(); i++) {
                config.out().println("Sending message: " + i);
                Message message = tutorialMessage(i, config.random().getAsDouble());
                messaging.send(config.deviceId(), message);
                sent.add(message.getMessageId());
            }
            close(messaging);
            if (feedbackClient != null) {
                awaitFeedback(sent, config.feedbackTimeout());
            }
        } catch (IotHubException | IOException | TimeoutException e) {
            throw ServiceFailures.classify(e, hostName, config.deviceId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceAppException(ServiceAppException.Kind.OTHER, "interrupted", e);
        } finally {
            close(messaging);
            stop(feedbackClient);
        }
        synchronized (feedback) {
            return new Result(sent, feedback);
        }
    }

    private MessagingClientOptions messagingOptions() {
        MessagingClientOptions.MessagingClientOptionsBuilder options = MessagingClientOptions.builder();
        if (config.sslContext() != null) {
            options.sslContext(config.sslContext());
        }
        return options.build();
    }

    private MessageFeedbackProcessorClientOptions feedbackOptions() {
        MessageFeedbackProcessorClientOptions.MessageFeedbackProcessorClientOptionsBuilder options =
                MessageFeedbackProcessorClientOptions.builder();
        if (config.sslContext() != null) {
            options.sslContext(config.sslContext());
        }
        return options.build();
    }

    /** Runs on the SDK's reactor thread for each feedback batch. */
    private AcknowledgementType onFeedback(FeedbackBatch batch) {
        for (FeedbackRecord record : batch.getRecords()) {
            // The feedback link carries the whole hub's feedback; only this device's is ours to report.
            if (!config.deviceId().equals(record.getDeviceId())) {
                continue;
            }
            Feedback f = new Feedback(record.getOriginalMessageId(), String.valueOf(record.getStatusCode()),
                    record.getDeviceId(), record.getDescription());
            config.out().println("Feedback received: originalMessageId=" + f.originalMessageId() + ", statusCode="
                    + f.statusCode() + ", deviceId=" + f.deviceId() + ", description=" + f.description());
            synchronized (feedback) {
                feedback.add(f);
                feedback.notifyAll();
            }
        }
        return AcknowledgementType.COMPLETE;
    }

    private void awaitFeedback(List<String> ids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (feedback) {
            while (!new Result(ids, feedback).missingFeedback().isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                feedback.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static void close(MessagingClient client) {
        try {
            if (client.isOpen()) {
                client.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stop(MessageFeedbackProcessorClient client) {
        if (client == null) {
            return;
        }
        try {
            if (client.isRunning()) {
                client.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The CA as an SSLContext; a CA that cannot be read is a configuration error of the app. */
    static SSLContext trusted(String pemOrPath) {
        try {
            return TrustedCa.fromPemOrPath(pemOrPath);
        } catch (IllegalArgumentException e) {
            throw new ServiceAppException(ServiceAppException.Kind.CONFIGURATION, e.getMessage(), e);
        }
    }
}
