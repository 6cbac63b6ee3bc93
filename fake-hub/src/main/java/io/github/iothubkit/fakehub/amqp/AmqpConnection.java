package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.internal.HubContext;
import io.vertx.core.Context;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import io.vertx.proton.ProtonSession;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: opens what the client opens, routes each link attach through a
 * {@link NodeTable} after checking the connection's {@link Cbs} grants, and ends a link's node state
 * however the link goes (detach, close, its session's end, the connection's loss). Every method runs
 * on the connection's Vert.x context, so the state needs no locks.
 */
final class AmqpConnection {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);

    private final ProtonConnection connection;
    private final Context context;
    private final Runnable onGone;
    private final Cbs cbs;
    private final NodeTable nodes;
    /** Open links and what to run when each ends; insertion order, so ends run oldest first. */
    private final Map<ProtonLink<?>, Runnable> open = new LinkedHashMap<>();
    private boolean gone;

    AmqpConnection(HubContext hub, ProtonConnection connection, Context context, FeedbackDispatcher feedback,
            Runnable onGone) {
        this.connection = connection;
        this.context = context;
        this.onGone = onGone;
        this.cbs = new Cbs(hub, EnumSet.of(Cbs.Kind.SERVICE, Cbs.Kind.DEVICE, Cbs.Kind.EVENTHUB));
        CbsNode cbsNode = new CbsNode(this, cbs);
        DeviceNodes device = new DeviceNodes(this, hub);
        EventHubManagementNode management = new EventHubManagementNode(this, hub.eventHub(), cbs, hub.host());
        this.nodes = new NodeTable()
                .incoming(AmqpNames.CBS, NodeTable.Access.NONE, cbsNode::requests)
                .outgoing(AmqpNames.CBS, NodeTable.Access.NONE, cbsNode::replies)
                .incoming(AmqpNames.DEVICEBOUND, NodeTable.Access.SERVICE, new DeviceboundNode(this, hub)::attach)
                .outgoing(AmqpNames.FEEDBACK, NodeTable.Access.SERVICE, new FeedbackNode(this, feedback)::attach)
                .outgoing(AmqpNames.FILE_NOTIFICATIONS, NodeTable.Access.SERVICE, new FileNotificationsNode(this)::attach)
                .incoming(AmqpNames.DEVICE_EVENTS, NodeTable.Access.device("id"), device::events)
                .outgoing(AmqpNames.DEVICE_BOUND, NodeTable.Access.device("id"), device::devicebound)
                .incoming(AmqpNames.DEVICE_TWIN, NodeTable.Access.device("id"), device::twinIn)
                .outgoing(AmqpNames.DEVICE_TWIN, NodeTable.Access.device("id"), device::twinOut)
                .incoming(AmqpNames.DEVICE_METHODS, NodeTable.Access.device("id"), device::methodsIn)
                .outgoing(AmqpNames.DEVICE_METHODS, NodeTable.Access.device("id"), device::methodsOut)
                // the built-in Event Hubs endpoint: $management checks the token in each request
                .incoming(AmqpNames.EVENTHUB_MANAGEMENT, NodeTable.Access.NONE, management::requests)
                .outgoing(AmqpNames.EVENTHUB_MANAGEMENT, NodeTable.Access.NONE, management::replies)
                .outgoing(EventHubPartitionNode.ROUTE, EventHubPartitionNode.access(hub.host()),
                        new EventHubPartitionNode(this, hub.eventHub())::attach);
    }

    void start() {
        connection.openHandler(opened -> connection.setContainer("fake-iot-hub").open());
        connection.closeHandler(closed -> {
            connection.close();
            gone();
        });
        connection.disconnectHandler(c -> gone());
        connection.sessionOpenHandler(this::onSessionOpen);
        connection.receiverOpenHandler(this::onReceiverOpen);
        connection.senderOpenHandler(this::onSenderOpen);
    }

    /** Any thread: drops the connection (the hub is closing). */
    void disconnect() {
        context.runOnContext(v -> connection.disconnect());
    }

    /**
     * Any thread: closes the connection with an AMQP error, then drops it if the client has not closed
     * its end within a second. A bare TCP close is not enough: through the WebSocket relay the Java
     * SDK's proton-j would not notice it before its idle timeout.
     */
    void close(String condition, String description) {
        context.runOnContext(v -> {
            if (gone) {
                return;
            }
            connection.setCondition(AmqpNames.condition(condition, description));
            connection.close();
            context.owner().setTimer(1000, t -> connection.disconnect());
        });
    }

    Context context() {
        return context;
    }

    Cbs cbs() {
        return cbs;
    }

    private void onSessionOpen(ProtonSession session) {
        session.closeHandler(closed -> {
            session.close();
            ended(link -> link.getSession() == session); // ending a session ends its links without a detach of their own
        });
        session.open();
    }

    /** The client's sender: the hub receives from it on the node named by its target. */
    private void onReceiverOpen(ProtonReceiver link) {
        String address = link.getRemoteTarget() == null ? null : link.getRemoteTarget().getAddress();
        Optional<NodeTable.Match<NodeTable.Incoming>> match = nodes.findIncoming(address);
        if (match.isEmpty()) {
            refuse(link, AmqpNames.NOT_FOUND, "the fake hub has no node '" + address + "' to send to");
        } else if (authorized(link, match.get(), address)) {
            match.get().handler().attach(link, match.get().params());
        }
    }

    /** The client's receiver: the hub sends to it from the node named by its source. */
    private void onSenderOpen(ProtonSender link) {
        String address = link.getRemoteSource() == null ? null : link.getRemoteSource().getAddress();
        Optional<NodeTable.Match<NodeTable.Outgoing>> match = nodes.findOutgoing(address);
        if (match.isEmpty()) {
            refuse(link, AmqpNames.NOT_FOUND, "the fake hub has no node '" + address + "' to receive from");
        } else if (authorized(link, match.get(), address)) {
            match.get().handler().attach(link, match.get().params());
        }
    }

    private <T extends ProtonLink<T>> boolean authorized(T link, NodeTable.Match<?> match, String address) {
        if (match.access().granted(cbs, match.params())) {
            return true;
        }
        refuse(link, AmqpNames.UNAUTHORIZED, "put a valid SAS token on $cbs before attaching to " + address);
        return false;
    }

    // ---- plumbing for the nodes ---------------------------------------------------------------------

    /** Echoes the client's terminus, opens, and answers a detach or close in kind; {@code onEnd} runs once. */
    <T extends ProtonLink<T>> void open(T link, Runnable onEnd) {
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        open.put(link, onEnd == null ? () -> { } : onEnd);
        link.closeHandler(closed -> {
            link.close();
            ended(l -> l == link);
        });
        link.detachHandler(detached -> {
            link.detach();
            ended(l -> l == link);
        });
        link.open();
    }

    /** Attach (with no terminus, as AMQP asks of a refusal) then detach with the error at once. */
    static <T extends ProtonLink<T>> void refuse(T link, String condition, String description) {
        LOG.info("Refused link '{}': {} {}", link.getName(), condition, description);
        if (link instanceof ProtonReceiver receiver) {
            receiver.setPrefetch(0);
            link.setSource(link.getRemoteSource());
        } else {
            link.setTarget(link.getRemoteTarget());
        }
        link.setCondition(AmqpNames.condition(condition, description));
        link.closeHandler(closed -> link.free());
        link.open();
        link.close();
    }

    static void settle(ProtonDelivery delivery, DeliveryState outcome) {
        if (delivery.remotelySettled()) {
            delivery.settle(); // the sender pre-settled: it wants no outcome, just free the delivery
        } else {
            delivery.disposition(outcome, true);
        }
    }

    /**
     * For an outgoing delivery: settles once the receiver gave an outcome. A receiver in rcv-settle-mode
     * {@code second} (the Event Hubs clients) waits for the sender to settle first; the default
     * auto-settle would only settle after the receiver did, and both would wait forever. proton-j
     * tells the receiver of a sender's settlement only along with a local state: the outcome, echoed.
     */
    static void settleOnOutcome(ProtonDelivery delivery) {
        if (delivery.getRemoteState() != null && !delivery.isSettled()) {
            delivery.disposition(delivery.getRemoteState(), true);
        }
    }

    /** A bug of ours must cost one message, never the connection. */
    static void guard(ProtonDelivery delivery, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("Failed to handle an AMQP message; rejecting it", e);
            if (!delivery.isSettled()) {
                settle(delivery, AmqpNames.rejected(AmqpNames.INTERNAL_ERROR, "fake hub error: " + e));
            }
        }
    }

    private void ended(java.util.function.Predicate<ProtonLink<?>> which) {
        List<Runnable> ends = new ArrayList<>();
        open.entrySet().removeIf(e -> which.test(e.getKey()) && ends.add(e.getValue()));
        ends.forEach(Runnable::run);
    }

    private void gone() {
        if (gone) {
            return;
        }
        gone = true;
        ended(link -> true);
        onGone.run();
    }
}
