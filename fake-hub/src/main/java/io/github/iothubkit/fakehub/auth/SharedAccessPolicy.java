package io.github.iothubkit.fakehub.auth;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** A hub-level shared access policy such as {@code iothubowner}, with its two keys. */
public record SharedAccessPolicy(String name, String primaryKey, String secondaryKey, Set<Permission> permissions) {

    public SharedAccessPolicy {
        EnumSet<Permission> copy = EnumSet.noneOf(Permission.class); // also for an empty set, unlike EnumSet.copyOf
        copy.addAll(permissions);
        permissions = Collections.unmodifiableSet(copy); // iterates in declaration order, unlike Set.copyOf
    }

    public boolean grants(Permission permission) {
        return permissions.contains(permission);
    }

    /** Whether the token verifies with the primary or the secondary key. */
    public boolean signed(SasToken token) {
        return token.isSignedWith(primaryKey) || token.isSignedWith(secondaryKey);
    }

    /** Keys are secrets: never printed. */
    @Override
    public String toString() {
        return "SharedAccessPolicy{" + name + ", " + permissions + "}";
    }
}
