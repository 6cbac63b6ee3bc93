package io.github.iothubkit.fakehub.internal;

import io.github.iothubkit.fakehub.FakeIotHub;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The engine behind a {@link FakeIotHub}'s public facade, for the hub's own adapters and tests (a test
 * standing in for a transport reports sessions and acks here). Not API: it changes without notice.
 */
public final class HubInternals {

    /** Weak keys: a hub that is no longer referenced takes its context with it (the context never refers back). */
    private static final Map<FakeIotHub, HubContext> CONTEXTS = Collections.synchronizedMap(new WeakHashMap<>());

    private HubInternals() {
    }

    /** Called once by each hub as it is built. */
    public static void register(FakeIotHub hub, HubContext context) {
        if (CONTEXTS.putIfAbsent(hub, context) != null) {
            throw new IllegalStateException("the hub's context is registered already");
        }
    }

    public static HubContext context(FakeIotHub hub) {
        HubContext context = CONTEXTS.get(hub);
        if (context == null) {
            throw new IllegalStateException("not a started hub: " + hub);
        }
        return context;
    }
}
