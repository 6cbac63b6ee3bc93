package io.github.iothubkit.fakehub.registry;

import java.util.Objects;

/**
 * A registered device as the hub knows it at one moment: an immutable snapshot.
 * {@link #connectionString()} is what the device app is configured with.
 */
public final class DeviceIdentity {

    private final String hostName;
    private final String deviceId;
    private final String primaryKey;
    private final String secondaryKey;
    private final DeviceStatus status;
    private final String generationId;
    private final long version;

    DeviceIdentity(String hostName, String deviceId, String primaryKey, String secondaryKey, DeviceStatus status,
            String generationId, long version) {
        this.hostName = hostName;
        this.deviceId = deviceId;
        this.primaryKey = primaryKey;
        this.secondaryKey = secondaryKey;
        this.status = status;
        this.generationId = generationId;
        this.version = version;
    }

    DeviceIdentity with(DeviceStatus newStatus) {
        return new DeviceIdentity(hostName, deviceId, primaryKey, secondaryKey, newStatus, generationId, version + 1);
    }

    DeviceIdentity withKeys(String primary, String secondary) {
        return new DeviceIdentity(hostName, deviceId, primary, secondary, status, generationId, version + 1);
    }

    public String deviceId() {
        return deviceId;
    }

    public String primaryKey() {
        return primaryKey;
    }

    public String secondaryKey() {
        return secondaryKey;
    }

    public DeviceStatus status() {
        return status;
    }

    public boolean isEnabled() {
        return status == DeviceStatus.ENABLED;
    }

    /** Changes when the device is deleted and created again under the same id. */
    public String generationId() {
        return generationId;
    }

    /** The registry's entity tag: changes on every update (used by REST If-Match). */
    public String etag() {
        return "\"" + Long.toString(version, 36) + "\"";
    }

    /** {@code HostName=<host>;DeviceId=<id>;SharedAccessKey=<primary key>}. */
    public String connectionString() {
        return connectionString(primaryKey);
    }

    /** The same, with the secondary key. */
    public String secondaryConnectionString() {
        return connectionString(secondaryKey);
    }

    private String connectionString(String key) {
        return "HostName=" + hostName + ";DeviceId=" + deviceId + ";SharedAccessKey=" + key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceIdentity d && d.deviceId.equals(deviceId) && d.version == version
                && d.generationId.equals(generationId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deviceId, generationId, version);
    }

    /** Keys are secrets: never printed. */
    @Override
    public String toString() {
        return "DeviceIdentity{" + deviceId + ", " + status + "}";
    }
}
