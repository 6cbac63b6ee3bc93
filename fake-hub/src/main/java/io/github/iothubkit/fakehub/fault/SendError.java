package io.github.iothubkit.fakehub.fault;

import io.github.iothubkit.fakehub.c2d.C2dSendException;
import io.github.iothubkit.fakehub.c2d.DeviceNotFoundException;
import io.github.iothubkit.fakehub.c2d.QueueFullException;
import io.github.iothubkit.fakehub.c2d.ThrottledException;

/** A real-hub error a C2D send can be made to fail with; each maps to the exception the hub itself throws. */
public enum SendError {
    /** 404001: as if the device were not registered. */
    DEVICE_NOT_FOUND,
    /** 403004: as if the device's queue were full. */
    QUEUE_FULL,
    /** 429001: the hub throttles the sender (AMQP condition {@code com.microsoft:device-container-throttled}). */
    THROTTLED;

    C2dSendException exception(String deviceId) {
        String why = " (injected by hub.faults())";
        return switch (this) {
            case DEVICE_NOT_FOUND -> new DeviceNotFoundException(deviceId,
                    "ErrorCode:DeviceNotFound;Device '" + deviceId + "' is not registered" + why);
            case QUEUE_FULL -> new QueueFullException(deviceId, "ErrorCode:DeviceMaximumQueueDepthExceeded;Device '"
                    + deviceId + "' has too many messages queued" + why);
            case THROTTLED -> new ThrottledException(deviceId,
                    "ErrorCode:ThrottlingException;429001 Too many requests for device '" + deviceId + "'" + why);
        };
    }
}
