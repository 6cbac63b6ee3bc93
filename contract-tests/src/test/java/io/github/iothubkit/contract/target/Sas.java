package io.github.iothubkit.contract.target;

import io.github.iothubkit.appsupport.ConnectionStrings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SAS tokens and connection-string fields, made here from the documented recipe rather than taken from the
 * fake, so that a raw client or a REST call in a test signs exactly as an application would.
 */
public final class Sas {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration LIFETIME = Duration.ofHours(1);

    private Sas() {
    }

    /** A device token: {@code sr={host}/devices/{id}}, signed with the device key (the device SDK's form). */
    public static String deviceToken(String hostName, String deviceId, String key) {
        String resource = hostName + "/devices/" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8);
        long expiry = Instant.now().plus(LIFETIME).getEpochSecond();
        return "SharedAccessSignature sig=" + encode(sign(key, resource + "\n" + expiry)) + "&se=" + expiry
                + "&sr=" + resource;
    }

    /** A service token from an {@code HostName=..;SharedAccessKeyName=..;SharedAccessKey=..} string. */
    public static String serviceToken(String serviceConnectionString) {
        String host = ConnectionStrings.attribute(serviceConnectionString, "HostName");
        String policy = ConnectionStrings.attribute(serviceConnectionString, "SharedAccessKeyName");
        String key = ConnectionStrings.attribute(serviceConnectionString, "SharedAccessKey");
        if (host == null || policy == null || key == null) {
            throw new IllegalArgumentException("a service connection string needs HostName, SharedAccessKeyName and"
                    + " SharedAccessKey");
        }
        String resource = encode(host.toLowerCase(Locale.ROOT));
        long expiry = Instant.now().plus(LIFETIME).getEpochSecond();
        return "SharedAccessSignature sr=" + resource + "&sig=" + encode(sign(key, resource + "\n" + expiry))
                + "&se=" + expiry + "&skn=" + policy;
    }

    /** A 32-byte random key in Base64, as the portal makes them. */
    public static String randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The same connection string with {@code SharedAccessKey} replaced by a key the hub never issued. */
    public static String withWrongKey(String connectionString) {
        String key = ConnectionStrings.attribute(connectionString, "SharedAccessKey");
        return connectionString.replace("SharedAccessKey=" + key, "SharedAccessKey=" + randomKey());
    }

    private static String sign(String base64Key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
