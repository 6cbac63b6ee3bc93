package io.github.iothubkit.fakehub.auth;

import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks SAS tokens the way IoT Hub does: device tokens against the device's keys (or a hub policy
 * with DeviceConnect), service tokens against the hub's shared access policies.
 *
 * <p>Token expiry is checked against wall-clock time, not the hub's clock: the SDKs sign with wall-clock
 * time, and a test that moves the hub's clock to expire messages must not lock its devices out.
 */
public final class HubAuthenticator {

    /** Why a connection was refused, which decides the protocol's error code. */
    public enum Refusal {
        /** Malformed, wrongly signed, expired or foreign-audience token: MQTT CONNACK 4, HTTP/CBS 401. */
        BAD_CREDENTIALS,
        /** Unknown or disabled device, or a token for another identity: MQTT CONNACK 5, HTTP/CBS 401. */
        NOT_AUTHORIZED
    }

    /** The outcome of a check: the device or policy on success, else the refusal and why. */
    public record Result(boolean accepted, String identity, Refusal refusal, String reason) {
        static Result ok(String identity) {
            return new Result(true, identity, null, null);
        }

        static Result refused(Refusal refusal, String reason) {
            return new Result(false, null, refusal, reason);
        }
    }

    private final String hostName;
    private final DeviceRegistry registry;
    private final Map<String, SharedAccessPolicy> policies = new LinkedHashMap<>();

    public HubAuthenticator(String hostName, DeviceRegistry registry) {
        this.hostName = hostName;
        this.registry = registry;
        add("iothubowner", EnumSet.allOf(Permission.class));
        add("service", EnumSet.of(Permission.SERVICE_CONNECT));
        add("device", EnumSet.of(Permission.DEVICE_CONNECT));
        add("registryRead", EnumSet.of(Permission.REGISTRY_READ));
        add("registryReadWrite", EnumSet.of(Permission.REGISTRY_READ, Permission.REGISTRY_WRITE));
    }

    private void add(String name, EnumSet<Permission> permissions) {
        policies.put(name, new SharedAccessPolicy(name, Keys.generate(), Keys.generate(), permissions));
    }

    public Optional<SharedAccessPolicy> policy(String name) {
        return Optional.ofNullable(policies.get(name));
    }

    /** {@code HostName=..;SharedAccessKeyName=<policy>;SharedAccessKey=<primary key>}. */
    public String serviceConnectionString(String policyName) {
        SharedAccessPolicy p = policy(policyName).orElseThrow(() -> new IllegalArgumentException(
                "no shared access policy '" + policyName + "'; the hub has " + policies.keySet()));
        return "HostName=" + hostName + ";SharedAccessKeyName=" + p.name() + ";SharedAccessKey=" + p.primaryKey();
    }

    /**
     * Checks a device's credentials: the MQTT client id must be the device id (or
     * {@code deviceId/moduleId}, which the fake does not support), the token must name that device.
     */
    public Result authenticateDevice(String clientId, String password) {
        if (clientId == null || clientId.isEmpty()) {
            return Result.refused(Refusal.NOT_AUTHORIZED, "empty client id");
        }
        SasToken token;
        try {
            token = SasToken.parse(password);
        } catch (IllegalArgumentException e) {
            return Result.refused(Refusal.BAD_CREDENTIALS, e.getMessage());
        }
        String resource = hostName + "/devices/" + clientId;
        Optional<DeviceIdentity> device = registry.find(clientId);
        if (device.isEmpty()) {
            return Result.refused(Refusal.NOT_AUTHORIZED, "device '" + clientId + "' is not registered");
        }
        if (!device.get().isEnabled()) {
            return Result.refused(Refusal.NOT_AUTHORIZED, "device '" + clientId + "' is disabled");
        }
        if (token.isExpiredAt(Instant.now())) {
            return Result.refused(Refusal.BAD_CREDENTIALS, "token expired at " + token.expiry());
        }
        boolean signed;
        if (token.keyName() == null) {
            if (!token.isFor(resource)) {
                return Result.refused(Refusal.NOT_AUTHORIZED, "token is for '" + token.resource()
                        + "', not for '" + resource + "' (the client id must be the device id)");
            }
            signed = token.isSignedWith(device.get().primaryKey()) || token.isSignedWith(device.get().secondaryKey());
        } else {
            SharedAccessPolicy policy = policies.get(token.keyName());
            if (policy == null || !policy.grants(Permission.DEVICE_CONNECT)) {
                return Result.refused(Refusal.NOT_AUTHORIZED, "policy '" + token.keyName() + "' cannot connect devices");
            }
            if (!token.covers(resource)) {
                return Result.refused(Refusal.NOT_AUTHORIZED, "token for '" + token.resource() + "' does not cover '"
                        + resource + "'");
            }
            signed = policy.signed(token);
        }
        return signed ? Result.ok(clientId)
                : Result.refused(Refusal.BAD_CREDENTIALS, "signature does not match the keys of '" + clientId + "'");
    }

    /** Checks a service token (CBS put-token, REST Authorization) for a permission. */
    public Result authenticateService(String tokenText, Permission needed) {
        SasToken token;
        try {
            token = SasToken.parse(tokenText);
        } catch (IllegalArgumentException e) {
            return Result.refused(Refusal.BAD_CREDENTIALS, e.getMessage());
        }
        if (token.keyName() == null) {
            return Result.refused(Refusal.BAD_CREDENTIALS, "service token has no 'skn' (policy name)");
        }
        SharedAccessPolicy policy = policies.get(token.keyName());
        if (policy == null) {
            return Result.refused(Refusal.BAD_CREDENTIALS, "no shared access policy '" + token.keyName() + "'");
        }
        if (!token.covers(hostName)) {
            return Result.refused(Refusal.BAD_CREDENTIALS, "token audience '" + token.resource() + "' is not this hub ("
                    + hostName + ")");
        }
        if (token.isExpiredAt(Instant.now())) {
            return Result.refused(Refusal.BAD_CREDENTIALS, "token expired at " + token.expiry());
        }
        if (!policy.signed(token)) {
            return Result.refused(Refusal.BAD_CREDENTIALS, "signature does not match policy '" + policy.name() + "'");
        }
        if (!policy.grants(needed)) {
            return Result.refused(Refusal.NOT_AUTHORIZED, "policy '" + policy.name() + "' lacks " + needed);
        }
        return Result.ok(policy.name());
    }
}
