package io.github.iothubkit.fakehub.eventhub;

import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.auth.Permission;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.auth.SharedAccessPolicy;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may read the endpoint: a SAS token for {@code amqp://{host}/{entity}[/...]} signed by a hub policy
 * with ServiceConnect. The Event Hubs SDKs key the HMAC with the key text's UTF-8 bytes; a token signed
 * IoT Hub style (the Base64-decoded key) is accepted too.
 */
public final class EventHubAccess {

    /** A checked token: {@code audience} is its lower-cased {@code host/entity/...} path. */
    public record Verdict(boolean accepted, String policy, String audience, Instant expiry, String reason) {
    }

    private final String host;
    private final String entity;
    private final HubAuthenticator authenticator;

    public EventHubAccess(String host, String entity, HubAuthenticator authenticator) {
        this.host = host;
        this.entity = entity;
        this.authenticator = authenticator;
    }

    /** Whether a resource path ({@code host/entity...}, no scheme) is this endpoint's. */
    public boolean isEntityPath(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        String mine = (host + "/" + entity).toLowerCase(Locale.ROOT);
        return p.equals(mine) || p.startsWith(mine + "/");
    }

    /** Whether {@code audience} (as in a verdict) lets its holder open {@code path} (a node of the entity). */
    public static boolean covers(String audience, String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.equals(audience) || p.startsWith(audience + "/");
    }

    public Verdict check(String tokenText, String resourcePath, Instant now) {
        SasToken token;
        try {
            token = SasToken.parse(tokenText);
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage());
        }
        if (!isEntityPath(resourcePath)) {
            return refused("token audience '" + token.resource() + "' is not amqp://" + host + "/" + entity);
        }
        if (token.keyName() == null) {
            return refused("token has no 'skn' (policy name)");
        }
        Optional<SharedAccessPolicy> policy = authenticator.policy(token.keyName());
        if (policy.isEmpty()) {
            return refused("no shared access policy '" + token.keyName() + "'");
        }
        if (token.isExpiredAt(now)) {
            return refused("token expired at " + token.expiry());
        }
        SharedAccessPolicy p = policy.get();
        boolean signed = token.isSignedWithKeyText(p.primaryKey()) || token.isSignedWithKeyText(p.secondaryKey())
                || p.signed(token);
        if (!signed) {
            return refused("signature does not match policy '" + p.name() + "'");
        }
        if (!p.grants(Permission.SERVICE_CONNECT)) {
            return refused("policy '" + p.name() + "' lacks " + Permission.SERVICE_CONNECT);
        }
        return new Verdict(true, p.name(), resourcePath.toLowerCase(Locale.ROOT), token.expiry(), "OK");
    }

    private static Verdict refused(String reason) {
        return new Verdict(false, null, null, null, reason);
    }
}
