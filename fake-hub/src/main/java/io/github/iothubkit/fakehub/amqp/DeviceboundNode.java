package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.c2d.C2dRecord;
import io.github.iothubkit.fakehub.c2d.DeviceNotFoundException;
import io.github.iothubkit.fakehub.c2d.MessageTooLargeException;
import io.github.iothubkit.fakehub.c2d.QueueFullException;
import io.github.iothubkit.fakehub.c2d.ThrottledException;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import java.util.Map;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /messages/devicebound}: the service's C2D sender. Each message names its device in {@code to};
 * it is queued by {@code c2d/} and settled Accepted, or Rejected with a condition the SDKs map to an
 * exception. A bad message never detaches the link (the Java SDK would lose its whole connection).
 */
final class DeviceboundNode {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceboundNode.class);

    private final AmqpConnection connection;
    private final HubContext hub;

    DeviceboundNode(AmqpConnection connection, HubContext hub) {
        this.connection = connection;
        this.hub = hub;
    }

    void attach(ProtonReceiver link, Map<String, String> params) {
        // prefetch (Vert.x default 1000) grants credit and tops it up as messages arrive
        link.setAutoAccept(false).handler((d, m) -> AmqpConnection.guard(d, () -> onMessage(d, m)));
        connection.open(link, null);
    }

    private void onMessage(ProtonDelivery delivery, Message message) {
        DeliveryState outcome;
        try {
            C2dDecoder.Decoded decoded = C2dDecoder.decode(message, hub.registry(), hub.clock().now());
            C2dRecord record = hub.cloudToDevice().send(decoded.deviceId(), decoded.message());
            LOG.debug("C2D message '{}' queued for '{}'", record.messageId(), decoded.deviceId());
            outcome = Accepted.getInstance();
        } catch (C2dDecoder.Rejection e) {
            outcome = AmqpNames.rejected(e.condition, e.getMessage());
        } catch (DeviceNotFoundException e) {
            outcome = AmqpNames.rejected(AmqpNames.NOT_FOUND, e.getMessage());
        } catch (QueueFullException e) {
            outcome = AmqpNames.rejected(AmqpNames.RESOURCE_LIMIT_EXCEEDED, e.getMessage());
        } catch (MessageTooLargeException e) {
            outcome = AmqpNames.rejected(AmqpNames.MESSAGE_SIZE_EXCEEDED, e.getMessage());
        } catch (ThrottledException e) {
            outcome = AmqpNames.rejected(AmqpNames.THROTTLED, e.getMessage());
        }
        AmqpConnection.settle(delivery, outcome);
    }
}
