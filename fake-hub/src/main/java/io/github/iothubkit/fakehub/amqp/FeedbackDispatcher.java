package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.c2d.FeedbackOutbox;
import io.github.iothubkit.fakehub.c2d.FeedbackRecord;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves feedback records from the hub's journal to the attached feedback receivers of all service
 * connections. Records are batched as IoT Hub does: a batch goes out when {@code feedbackBatchSize}
 * records wait, or {@code feedbackBatchWindow} after records became available. Each batch is one
 * unsettled message; a batch that is released, modified or left unsettled when its link goes away is
 * put back into the journal, to be sent first next time. Competing receivers each get whole batches.
 */
final class FeedbackDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackDispatcher.class);
    private static final Symbol ENQUEUED_TIME = Symbol.valueOf("iothub-enqueuedtime");

    private final Vertx vertx;
    private final HubContext hub;
    private final FeedbackOutbox journal;
    private final long windowMillis;
    private final int batchSize;
    private final Binary userId;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicBoolean timerSet = new AtomicBoolean();
    private volatile long timerId = -1;
    private volatile boolean closed;
    /** After a failed send: retry only when the batch window ends, not at once (a hot loop otherwise). */
    private volatile boolean backingOff;

    FeedbackDispatcher(Vertx vertx, HubContext hub) {
        this.vertx = vertx;
        this.hub = hub;
        this.journal = hub.feedbackOutbox();
        this.windowMillis = Math.max(1, hub.feedbackBatchWindow().toMillis());
        this.batchSize = Math.max(1, hub.feedbackBatchSize());
        String host = hub.host();
        int dot = host.indexOf('.');
        this.userId = new Binary((dot < 0 ? host : host.substring(0, dot)).getBytes(StandardCharsets.UTF_8));
        journal.onAvailable(this::recordsAvailable); // the journal has no unregister: close() mutes this
    }

    /** A feedback receiver attached: call on the connection's context, after opening the sender. */
    Link attach(ProtonSender sender, Context context) {
        Link link = new Link(sender, context);
        links.add(link);
        sender.sendQueueDrainHandler(s -> recordsAvailable()); // fires whenever the receiver grants credit
        recordsAvailable();
        return link;
    }

    /** Any thread: records entered the journal, or a receiver has credit again. */
    void recordsAvailable() {
        if (closed || links.isEmpty()) {
            return;
        }
        if (journal.pending() >= batchSize && !backingOff) {
            flush(false);
        }
        if (journal.pending() > 0 && timerSet.compareAndSet(false, true)) {
            timerId = vertx.setTimer(windowMillis, id -> {
                timerSet.set(false);
                backingOff = false;
                flush(true);
            });
        }
    }

    void close() {
        closed = true;
        links.clear();
        vertx.cancelTimer(timerId); // a long batch window must not outlive the hub on the shared Vert.x
    }

    private void flush(boolean partialBatches) {
        for (Link link : links) {
            link.context.runOnContext(v -> link.sendWhileCredit(partialBatches));
        }
    }

    /** One feedback receiver; every method runs on its connection's context. */
    final class Link {
        private final ProtonSender sender;
        private final Context context;
        private final Map<ProtonDelivery, List<FeedbackRecord>> unsettled = new LinkedHashMap<>();

        private Link(ProtonSender sender, Context context) {
            this.sender = sender;
            this.context = context;
        }

        private void sendWhileCredit(boolean partialBatches) {
            while (!closed && links.contains(this) && sender.isOpen() && !sender.sendQueueFull()) {
                if (!partialBatches && journal.pending() < batchSize) {
                    return;
                }
                List<FeedbackRecord> batch = journal.take(batchSize);
                if (batch.isEmpty()) {
                    return;
                }
                try {
                    send(batch);
                } catch (RuntimeException e) { // taken records must not vanish with a bug of ours
                    backingOff = true;
                    journal.putBack(batch);
                    LOG.error("Could not send a feedback batch of {} records; they stay in the journal", batch.size(), e);
                    return;
                }
            }
        }

        private void send(List<FeedbackRecord> batch) {
            Message message = Message.Factory.create();
            message.setMessageId(UUID.randomUUID().toString());
            message.setContentType(AmqpNames.FEEDBACK_CONTENT_TYPE);
            message.setUserId(userId.getArray());
            message.setMessageAnnotations(new MessageAnnotations(Map.of(ENQUEUED_TIME, Date.from(hub.clock().now()))));
            message.setBody(new Data(new Binary(FeedbackJson.encode(batch))));
            ProtonDelivery delivery = sender.send(message, this::onUpdate);
            if (!delivery.isSettled()) { // a receiver asking for pre-settled delivery gets at-most-once
                unsettled.put(delivery, batch);
            }
            LOG.debug("Sent a feedback batch of {} records on link '{}'", batch.size(), sender.getName());
        }

        private void onUpdate(ProtonDelivery delivery) {
            DeliveryState state = delivery.getRemoteState();
            if (state instanceof Released || state instanceof Modified) {
                List<FeedbackRecord> batch = unsettled.remove(delivery);
                if (batch != null) {
                    LOG.debug("Feedback batch of {} records {}: it will be sent again", batch.size(), state);
                    journal.putBack(batch);
                }
            } else if (state != null || delivery.remotelySettled()) {
                unsettled.remove(delivery); // Accepted or Rejected: the receiver is done with it
            }
            AmqpConnection.settleOnOutcome(delivery);
        }

        /** The link or its connection went away: what it held unsettled is sent again later. */
        void closed() {
            if (!links.remove(this) && unsettled.isEmpty()) {
                return; // already closed
            }
            if (unsettled.isEmpty()) {
                return;
            }
            List<FeedbackRecord> records = new ArrayList<>();
            unsettled.values().forEach(records::addAll); // in send order, so the oldest ends up first
            unsettled.clear();
            journal.putBack(records); // one call: listeners hear of the returned records once
        }
    }
}
