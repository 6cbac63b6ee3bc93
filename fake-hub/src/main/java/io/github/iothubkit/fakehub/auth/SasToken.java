package io.github.iothubkit.fakehub.auth;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An IoT Hub shared access signature: {@code SharedAccessSignature sr=..&sig=..&se=..[&skn=..]}.
 *
 * <p>Parsing is liberal (fields in any order, key names in any case, {@code se} with a fraction), because
 * every SDK writes the token a little differently. The signature is checked over {@code sr} exactly as it
 * was sent: the Java device SDK signs the raw resource, the service SDK and the other languages sign an
 * encoded one, and each signs what it sends.
 */
public final class SasToken {

    private static final String PREFIX = "SharedAccessSignature ";

    private final String resource;
    private final String signature;
    private final long expirySeconds;
    private final String keyName;

    private SasToken(String resource, String signature, long expirySeconds, String keyName) {
        this.resource = resource;
        this.signature = signature;
        this.expirySeconds = expirySeconds;
        this.keyName = keyName;
    }

    /**
     * Parses a token.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static SasToken parse(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no SAS token given");
        }
        String body = token.strip();
        if (body.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            body = body.substring(PREFIX.length()).strip();
        } else {
            throw new IllegalArgumentException("a SAS token starts with 'SharedAccessSignature '");
        }
        String sr = null;
        String sig = null;
        String se = null;
        String skn = null;
        for (String field : body.split("&")) {
            int eq = field.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed SAS token field '" + field + "'");
            }
            String value = field.substring(eq + 1);
            switch (field.substring(0, eq).strip().toLowerCase(Locale.ROOT)) {
                case "sr" -> sr = value;
                case "sig" -> sig = value;
                case "se" -> se = value;
                case "skn" -> skn = value;
                default -> { } // unknown fields are ignored, as the hub does
            }
        }
        if (sr == null || sr.isEmpty()) {
            throw new IllegalArgumentException("SAS token has no 'sr' (resource)");
        }
        if (sig == null || sig.isEmpty()) {
            throw new IllegalArgumentException("SAS token has no 'sig' (signature)");
        }
        if (se == null || se.isEmpty()) {
            throw new IllegalArgumentException("SAS token has no 'se' (expiry)");
        }
        long expiry;
        try {
            expiry = (long) Math.floor(Double.parseDouble(se));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SAS token 'se' is not a number of seconds: '" + se + "'");
        }
        return new SasToken(sr, sig, expiry, skn == null || skn.isEmpty() ? null : skn);
    }

    /** Builds a token the way the service SDKs do: {@code sr} is the URL-encoded lower-cased resource. */
    public static String create(String resource, String keyName, String base64Key, Instant expiry) {
        String sr = URLEncoder.encode(resource.toLowerCase(Locale.ROOT), StandardCharsets.UTF_8);
        long se = expiry.getEpochSecond();
        String sig = URLEncoder.encode(sign(base64Key, sr + "\n" + se), StandardCharsets.UTF_8);
        return PREFIX + "sr=" + sr + "&sig=" + sig + "&se=" + se + (keyName == null ? "" : "&skn=" + keyName);
    }

    /** HMAC-SHA256 of {@code text} under a Base64 key, Base64-encoded. */
    public static String sign(String base64Key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether this token was signed with the given Base64 key (constant-time comparison). */
    public boolean isSignedWith(String base64Key) {
        if (base64Key == null) {
            return false;
        }
        byte[] expected = sign(base64Key, resource + "\n" + expirySeconds).getBytes(StandardCharsets.US_ASCII);
        // Most SDKs URL-encode sig; a few send it raw. Accept either spelling.
        byte[] raw = signature.getBytes(StandardCharsets.US_ASCII);
        byte[] decoded = decode(signature).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, decoded) | MessageDigest.isEqual(expected, raw);
    }

    /**
     * Whether this token was signed the Event Hubs way: HMAC keyed with the key text's UTF-8 bytes, not
     * its Base64 decoding (the Event Hubs SDKs' {@code SharedAccessKey} is used as is).
     */
    public boolean isSignedWithKeyText(String key) {
        if (key == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = Base64.getEncoder().encode(mac.doFinal((resource + "\n" + expirySeconds)
                    .getBytes(StandardCharsets.UTF_8)));
            return MessageDigest.isEqual(expected, decode(signature).getBytes(StandardCharsets.US_ASCII))
                    | MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether the token's resource, once URL-decoded, names {@code audience} (case-insensitive). */
    public boolean isFor(String audience) {
        return normalise(decode(resource)).equalsIgnoreCase(normalise(audience));
    }

    /** Whether the token's resource covers {@code audience}: the same resource or a parent of it. */
    public boolean covers(String audience) {
        String mine = normalise(decode(resource)).toLowerCase(Locale.ROOT);
        String theirs = normalise(audience).toLowerCase(Locale.ROOT);
        return theirs.equals(mine) || theirs.startsWith(mine + "/");
    }

    public boolean isExpiredAt(Instant now) {
        return expirySeconds <= now.getEpochSecond();
    }

    /** {@code sr} exactly as sent. */
    public String resource() {
        return resource;
    }

    public Instant expiry() {
        return Instant.ofEpochSecond(expirySeconds);
    }

    /** The policy name ({@code skn}), or null for a device token. */
    public String keyName() {
        return keyName;
    }

    private static String normalise(String resource) {
        String r = resource.strip();
        int scheme = r.indexOf("://");
        if (scheme >= 0) {
            r = r.substring(scheme + 3);
        }
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformedEscape) {
            return s;
        }
    }

    /** Never prints the signature: tokens end up in logs. */
    @Override
    public String toString() {
        return "SasToken{sr=" + resource + ", se=" + expirySeconds + (keyName == null ? "" : ", skn=" + keyName) + "}";
    }
}
