package io.github.iothubkit.fakehub.amqp;

import io.vertx.proton.ProtonSender;
import java.util.Map;

/**
 * {@code /messages/servicebound/feedback}: a service receiver of C2D feedback batches. The batching and
 * redelivery live in the hub-wide {@link FeedbackDispatcher}; this node hands it the link and gives
 * back what the link held unsettled when it ends. The receiver chooses the settle mode: unsettled
 * batches by default, pre-settled (at most once) if it asks for them.
 */
final class FeedbackNode {

    private final AmqpConnection connection;
    private final FeedbackDispatcher dispatcher;

    FeedbackNode(AmqpConnection connection, FeedbackDispatcher dispatcher) {
        this.connection = connection;
        this.dispatcher = dispatcher;
    }

    void attach(ProtonSender link, Map<String, String> params) {
        FeedbackDispatcher.Link[] registered = new FeedbackDispatcher.Link[1];
        connection.open(link.setQoS(link.getRemoteQoS()), () -> registered[0].closed());
        registered[0] = dispatcher.attach(link, connection.context());
    }
}
