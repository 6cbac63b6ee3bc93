package io.github.iothubkit.fakehub.fault;

import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dPolicy;
import io.github.iothubkit.fakehub.session.DeviceLink;
import io.github.iothubkit.fakehub.session.DeviceSessions;
import io.github.iothubkit.fakehub.session.Drop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the injected faults do to a device's traffic, in transport-neutral terms, so that every transport
 * gets the same outcome by asking here: connect refusal ({@link #admit}), ack withholding
 * ({@link #acknowledge}), the SDKs' fault-request messages ({@link #onTelemetry}), failed sends and delayed
 * delivery (as {@link C2dPolicy}). Holds the hub's {@link Faults}, the test-facing controls. Hub SPI.
 */
public final class FaultRules implements C2dPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(FaultRules.class);

    private final Faults faults = new Faults();
    /** Acks held back per device, in arrival order, until the faults release them. */
    private final Map<String, List<Withheld>> withheld = new ConcurrentHashMap<>();

    public FaultRules(DeviceSessions sessions) {
        faults.bindDisconnect(id -> sessions.drop(id, Drop.CLEAN, "closed by hub.faults()"));
        faults.onAcksReleased(this::release);
    }

    /** The test-facing controls. */
    public Faults faults() {
        return faults;
    }

    /** A device is connecting: the refusal injected for it, if one is due (each refusal is used once). */
    public Optional<ConnectRefusal> admit(String deviceId) {
        return faults.takeConnectRefusal(deviceId);
    }

    /**
     * The device acknowledged a message on {@code link}: runs {@code apply} now, or, while its acks are
     * withheld, once they are released and only if {@code link} is still open (the acks of a session that
     * ended never reached the hub, so the queue redelivers, as after an ack lost on the network).
     */
    public void acknowledge(DeviceLink link, Runnable apply) {
        String id = link.deviceId();
        synchronized (this) {
            if (faults.withholdsAcks(id)) {
                withheld.computeIfAbsent(id, k -> new ArrayList<>()).add(new Withheld(link, apply));
                return;
            }
        }
        apply.run();
    }

    private void release(String deviceId) {
        List<Withheld> released;
        synchronized (this) {
            released = withheld.remove(deviceId);
        }
        if (released != null) {
            released.stream().filter(w -> w.link.isOpen()).forEach(w -> w.apply.run());
        }
    }

    /**
     * A telemetry message was accepted from {@code link}: if it carries IoT Hub's fault-request properties
     * (see {@link SdkFaultRequest}), the session is ended after the requested delay, in wall time.
     */
    public void onTelemetry(DeviceLink link, Map<String, String> properties) {
        SdkFaultRequest.from(properties).ifPresent(fault -> {
            Optional<Drop> drop = fault.dropFor(link.transport());
            if (drop.isEmpty()) {
                LOG.info("Ignoring fault request {} of '{}': the fake hub does not simulate it on {}",
                        fault.operation(), link.deviceId(), link.transport());
                return;
            }
            String why = fault.operation() + " requested by the device (" + fault.closeReason().strip() + ")";
            CompletableFuture.delayedExecutor(fault.delay().toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> link.close(drop.get(), why));
        });
    }

    @Override
    public void checkSend(String deviceId, C2dMessage message) {
        faults.checkSend(deviceId, message);
    }

    @Override
    public Duration deliveryDelay(String deviceId) {
        return faults.deliveryDelay(deviceId);
    }

    private record Withheld(DeviceLink link, Runnable apply) {
    }
}
