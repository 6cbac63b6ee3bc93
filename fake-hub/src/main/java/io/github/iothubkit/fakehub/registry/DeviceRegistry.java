package io.github.iothubkit.fakehub.registry;

import io.github.iothubkit.fakehub.auth.Keys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The hub's identity registry: devices, their keys and status. Thread-safe. */
public final class DeviceRegistry {

    /** IoT Hub's rule: up to 128 ASCII letters, digits and {@code - . + % _ # * ? ! ( ) , : = @ $ '}. */
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}");
    /** What {@link #isValidDeviceId} accepts, worded for error messages: "invalid id '...': " + this. */
    public static final String DEVICE_ID_RULE = "use 1-128 ASCII letters, digits or - . + % _ # * ? ! ( ) , : = @ $ '";

    private final String hostName;
    private final Map<String, DeviceIdentity> devices = new ConcurrentHashMap<>();
    private final RegistryEvents events;

    /** A registry nobody listens to (unit tests). */
    public DeviceRegistry(String hostName) {
        this(hostName, new RegistryEvents());
    }

    /** @param events where the hub's other owners hear of changes and deletes */
    public DeviceRegistry(String hostName, RegistryEvents events) {
        this.hostName = hostName;
        this.events = events;
    }

    /** Registers a device with generated keys. */
    public DeviceIdentity create(String deviceId) {
        return create(deviceId, Keys.generate(), Keys.generate());
    }

    /**
     * Registers a device with the given keys.
     *
     * @throws IllegalArgumentException for an invalid id or key
     * @throws IllegalStateException if the device already exists
     */
    public DeviceIdentity create(String deviceId, String primaryKey, String secondaryKey) {
        requireValidId(deviceId);
        requireValidKey(primaryKey, "primary");
        requireValidKey(secondaryKey, "secondary");
        DeviceIdentity identity = new DeviceIdentity(hostName, deviceId, primaryKey, secondaryKey,
                DeviceStatus.ENABLED, UUID.randomUUID().toString(), 1);
        if (devices.putIfAbsent(deviceId, identity) != null) {
            throw new IllegalStateException("device '" + deviceId + "' already exists");
        }
        return identity;
    }

    public Optional<DeviceIdentity> find(String deviceId) {
        return deviceId == null ? Optional.empty() : Optional.ofNullable(devices.get(deviceId));
    }

    /** @throws NoSuchElementException naming the known devices */
    public DeviceIdentity get(String deviceId) {
        return find(deviceId).orElseThrow(() -> notRegistered(deviceId));
    }

    /** All devices, ordered by id. */
    public List<DeviceIdentity> list() {
        List<DeviceIdentity> all = new ArrayList<>(devices.values());
        all.sort(Comparator.comparing(DeviceIdentity::deviceId));
        return all;
    }

    public DeviceIdentity disable(String deviceId) {
        return update(deviceId, d -> d.with(DeviceStatus.DISABLED));
    }

    public DeviceIdentity enable(String deviceId) {
        return update(deviceId, d -> d.with(DeviceStatus.ENABLED));
    }

    /** Replaces the keys; connected devices are disconnected, as on the real hub. */
    public DeviceIdentity updateKeys(String deviceId, String primaryKey, String secondaryKey) {
        requireValidKey(primaryKey, "primary");
        requireValidKey(secondaryKey, "secondary");
        return update(deviceId, d -> d.withKeys(primaryKey, secondaryKey));
    }

    /** Deletes a device: it is disconnected and its queued messages are dropped. */
    public boolean delete(String deviceId) {
        DeviceIdentity removed = devices.remove(deviceId);
        if (removed != null) {
            events.deleted(removed);
        }
        return removed != null;
    }

    /** Deletes every device (used between tests). */
    public void clear() {
        list().forEach(d -> delete(d.deviceId()));
    }

    private DeviceIdentity update(String deviceId, java.util.function.UnaryOperator<DeviceIdentity> change) {
        DeviceIdentity updated = devices.computeIfPresent(deviceId, (id, d) -> change.apply(d));
        if (updated == null) { // not get(deviceId): a device re-created meanwhile would make it return
            throw notRegistered(deviceId);
        }
        events.changed(updated);
        return updated;
    }

    /** What {@link #get} and {@link #update} throw for an unknown device. */
    private NoSuchElementException notRegistered(String deviceId) {
        return new NoSuchElementException("device '" + deviceId + "' is not registered; registered: "
                + devices.keySet());
    }

    public static boolean isValidDeviceId(String deviceId) {
        return deviceId != null && DEVICE_ID.matcher(deviceId).matches();
    }

    private static void requireValidId(String deviceId) {
        if (!isValidDeviceId(deviceId)) {
            throw new IllegalArgumentException("invalid device id '" + deviceId + "': " + DEVICE_ID_RULE);
        }
    }

    private static void requireValidKey(String key, String which) {
        if (!Keys.isValid(key)) {
            throw new IllegalArgumentException("the " + which + " key is not valid Base64");
        }
    }
}
