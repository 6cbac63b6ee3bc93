package io.github.iothubkit.fakehub.amqp;

import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

/** Link addresses and error conditions of IoT Hub's AMQP service endpoint. */
final class AmqpNames {

    static final String CBS = "$cbs";
    static final String DEVICEBOUND = "/messages/devicebound";
    static final String FEEDBACK = "/messages/servicebound/feedback";
    static final String FILE_NOTIFICATIONS = "/messages/servicebound/filenotifications";
    static final String DEVICE_EVENTS = "/devices/{id}/messages/events";
    static final String DEVICE_BOUND = "/devices/{id}/messages/devicebound";
    static final String DEVICE_TWIN = "/devices/{id}/twin";
    static final String DEVICE_METHODS = "/devices/{id}/methods/devicebound";
    static final String EVENTHUB_MANAGEMENT = "$management";
    static final String FEEDBACK_CONTENT_TYPE = "application/vnd.microsoft.iothub.feedback.json";

    static final String NOT_FOUND = "amqp:not-found";
    static final String UNAUTHORIZED = "amqp:unauthorized-access";
    static final String RESOURCE_LIMIT_EXCEEDED = "amqp:resource-limit-exceeded";
    static final String MESSAGE_SIZE_EXCEEDED = "amqp:link:message-size-exceeded";
    static final String INVALID_FIELD = "amqp:invalid-field";
    static final String NOT_IMPLEMENTED = "amqp:not-implemented";
    static final String CONNECTION_FORCED = "amqp:connection:forced";
    static final String INTERNAL_ERROR = "amqp:internal-error";
    /** IoT Hub's own condition for a throttled sender (429001). */
    static final String THROTTLED = "com.microsoft:device-container-throttled";

    private AmqpNames() {
    }

    static ErrorCondition condition(String symbol, String description) {
        return new ErrorCondition(Symbol.valueOf(symbol), description);
    }

    /** A Rejected outcome always carries an error: the service SDK dereferences it unconditionally. */
    static Rejected rejected(String symbol, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(condition(symbol, description));
        return rejected;
    }
}
