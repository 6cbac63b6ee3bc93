package io.github.iothubkit.fakehub.auth;

import java.security.SecureRandom;
import java.util.Base64;

/** Random symmetric keys in IoT Hub's format (Base64 of 32 random bytes). */
public final class Keys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    public static String generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Whether {@code key} is usable as an HMAC key: non-empty Base64. */
    public static boolean isValid(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
