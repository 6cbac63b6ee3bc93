package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.auth.Permission;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.eventhub.EventHubAccess;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.internal.PercentDecoding;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claims a connection has put on {@code $cbs}: one grant per audience (the hub for a service
 * policy, {@code host/devices/{id}} for a device; Event Hubs entities later), each valid until its
 * token's {@code se}. A renewed token replaces the grant for its audience.
 *
 * <p>A grant is checked when a link attaches; links already attached outlive it, because the Java
 * service SDK never renews its connection-string token (wire contract, finding 20).
 *
 * <p>The audience is taken from the token's {@code sr}, not from the request's {@code name}: the SDKs
 * spell {@code name} differently (Java the host name, Node the token's {@code sr}, uamqp
 * {@code https://host}), and the signature covers {@code sr} only. Used on the connection's context.
 */
final class Cbs {

    private static final Logger LOG = LoggerFactory.getLogger(Cbs.class);
    private static final Pattern DEVICE = Pattern.compile("^[^/]+/devices/([^/]+)(/modules/[^/]+)?$",
            Pattern.CASE_INSENSITIVE);

    enum Kind { SERVICE, DEVICE, EVENTHUB }

    /** What one put-token allowed: {@code identity} is the policy name or the device id. */
    record Grant(String audience, Kind kind, String identity, Instant expiry) {
    }

    /** A put-token's answer, as the CBS reply carries it. */
    record Outcome(int status, String description) {
    }

    private final HubContext hub;
    private final Set<Kind> kinds;
    private final Map<String, Grant> grants = new LinkedHashMap<>();
    private final EventHubAccess eventHub;

    /** @param kinds the grants this endpoint can use; a token of another kind is refused (401) */
    Cbs(HubContext hub, Set<Kind> kinds) {
        this.hub = hub;
        this.kinds = Set.copyOf(kinds);
        this.eventHub = new EventHubAccess(hub.host(), hub.eventHub().entity(), hub.authenticator());
    }

    /**
     * Checks a put-token request and, when it is good, records its grant.
     *
     * @param name the request's {@code name}; only used to recover a device id's case when the token's
     *             {@code sr} was lower-cased (as the service SDKs' token builders do)
     */
    Outcome putToken(String operation, String name, String token) {
        if (!"put-token".equalsIgnoreCase(operation == null ? null : operation.strip())) {
            return new Outcome(400, "unsupported CBS operation '" + operation + "'; the fake hub only knows put-token");
        }
        if (token == null) {
            return new Outcome(400, "put-token needs the SAS token as the body (an AmqpValue string)");
        }
        SasToken parsed;
        try {
            parsed = SasToken.parse(token);
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage());
        }
        String resource = resourcePath(parsed.resource());
        String audience = resource.toLowerCase(Locale.ROOT);
        if (kinds.contains(Kind.EVENTHUB) && eventHub.isEntityPath(resource)) {
            return putEventHubToken(token, resource);
        }
        Matcher device = DEVICE.matcher(resource);
        HubAuthenticator.Result result;
        Kind kind;
        if (device.matches()) { // the device's own key, or a policy with DeviceConnect (skn)
            if (!kinds.contains(Kind.DEVICE)) {
                return refused("token is for device '" + device.group(1) + "'; this endpoint has no device links");
            }
            if (device.group(2) != null) {
                return refused("token is for a module ('" + parsed.resource() + "'); the fake hub has no modules");
            }
            kind = Kind.DEVICE;
            String id = device.group(1);
            Matcher named = name == null ? null : DEVICE.matcher(resourcePath(name));
            if (named != null && named.matches() && named.group(1).equalsIgnoreCase(id)) {
                id = named.group(1);
            }
            result = hub.authenticator().authenticateDevice(id, token);
        } else {
            kind = Kind.SERVICE;
            result = hub.authenticator().authenticateService(token, Permission.SERVICE_CONNECT);
        }
        if (!result.accepted()) {
            return refused(result.reason()); // reasons never quote the signature
        }
        Grant grant = new Grant(audience, kind, result.identity(), parsed.expiry());
        grants.put(audience, grant);
        LOG.debug("CBS put-token accepted: {} on {}", grant, hub.host());
        return new Outcome(200, "OK");
    }

    /** The built-in Event Hubs endpoint's audiences ({@code amqp://host/entity/...}), signed the Event Hubs way. */
    private Outcome putEventHubToken(String token, String resource) {
        EventHubAccess.Verdict verdict = eventHub.check(token, resource, hub.clock().now());
        if (!verdict.accepted()) {
            return refused(verdict.reason());
        }
        grants.put(verdict.audience(), new Grant(verdict.audience(), Kind.EVENTHUB, verdict.policy(), verdict.expiry()));
        return new Outcome(200, "OK");
    }

    /** A valid Event Hubs grant whose audience covers {@code path} ({@code host/entity/...}), if any. */
    Optional<Grant> eventHub(String path) {
        Instant now = hub.clock().now();
        return grants.values().stream().filter(g -> g.kind() == Kind.EVENTHUB && now.isBefore(g.expiry())
                && EventHubAccess.covers(g.audience(), path)).findFirst();
    }

    EventHubAccess eventHubAccess() {
        return eventHub;
    }

    /** The hub's time, which every grant's expiry is checked against. */
    Instant now() {
        return hub.clock().now();
    }

    /** A valid service grant, if any. */
    Optional<Grant> service() {
        Instant now = hub.clock().now();
        return grants.values().stream().filter(g -> g.kind() == Kind.SERVICE && now.isBefore(g.expiry())).findFirst();
    }

    /** A valid grant for this device (its own token), if any. */
    Optional<Grant> device(String deviceId) {
        Instant now = hub.clock().now();
        return grants.values().stream().filter(g -> g.kind() == Kind.DEVICE && now.isBefore(g.expiry())
                && g.identity().equals(deviceId)).findFirst();
    }

    Map<String, Grant> grants() {
        return Map.copyOf(grants);
    }

    private Outcome refused(String reason) {
        LOG.info("CBS put-token refused on {}: {}", hub.host(), reason);
        return new Outcome(401, "Unauthorized: " + reason);
    }

    /** The token's resource URL-decoded, without scheme or trailing slash; lower-cased it keys the grant. */
    static String resourcePath(String resource) {
        String decoded = PercentDecoding.decodeOrNull(resource);
        String a = (decoded == null ? resource : decoded).strip().replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        while (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        return a;
    }
}
