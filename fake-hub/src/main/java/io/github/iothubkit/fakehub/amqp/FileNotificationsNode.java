package io.github.iothubkit.fakehub.amqp;

import io.vertx.proton.ProtonSender;
import java.util.Map;

/**
 * {@code /messages/servicebound/filenotifications}: the file-upload notification feed. The fake hub has
 * no file uploads, so the feed stays empty, as a real hub's does when no device uploads; attaching
 * works, so a service app that opens its notification receiver (Node's {@code getFileNotificationReceiver},
 * Java's {@code FileUploadNotificationProcessorClient}) starts instead of failing on not-found.
 */
final class FileNotificationsNode {

    private final AmqpConnection connection;

    FileNotificationsNode(AmqpConnection connection) {
        this.connection = connection;
    }

    void attach(ProtonSender link, Map<String, String> params) {
        connection.open(link.setQoS(link.getRemoteQoS()), null);
    }
}
