package io.github.iothubkit.contract.target;

/** A device the target registered for one test: what a device application is configured with. */
public record TestDevice(String deviceId, String connectionString, String primaryKey) {

    /** The connection string with a key the hub never issued: same length, valid Base64, wrong bytes. */
    public String connectionStringWithWrongKey() {
        return Sas.withWrongKey(connectionString);
    }

    /** Keys are secrets: never printed. */
    @Override
    public String toString() {
        return "TestDevice{" + deviceId + "}";
    }
}
