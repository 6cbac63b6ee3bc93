package io.github.iothubkit.fakehub.mqtt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Packets that arrived between CONNECT and the end of Moquette's CONNACK write. Moquette 0.17 marks a
 * connection open only in its CONNACK write listener and drops one whose SUBSCRIBE comes sooner ("SUBSCRIBE
 * received on already closed connection"), which a fast client hits; so they wait here and are replayed.
 * Event loop only.
 */
final class EarlyPackets {

    private static final AttributeKey<Object> MOQUETTE_KEEP_ALIVE = AttributeKey.valueOf("keepAlive");

    private final List<MqttMessage> held = new ArrayList<>();
    /** True once Moquette's CONNACK is on the wire and Moquette has marked the connection open. */
    private boolean open;

    /** Holds {@code packet} if the connection is not open yet; false if it may be handled now. */
    boolean hold(MqttMessage packet) {
        if (!open) {
            held.add(packet);
        }
        return !open;
    }

    /**
     * Moquette's own CONNACK listener may run after ours: wait (on the event loop) until it has run, which
     * it shows by setting the channel's "keepAlive" attribute right after marking the connection open, then
     * hands the held packets to {@code handle}. Bounded, in case a Moquette upgrade stops setting it.
     */
    void openWhenMoquetteIs(ChannelHandlerContext ctx, Consumer<MqttMessage> handle) {
        openWhenMoquetteIs(ctx, handle, 0);
    }

    private void openWhenMoquetteIs(ChannelHandlerContext ctx, Consumer<MqttMessage> handle, int attempt) {
        if (ctx.channel().isActive() && ctx.channel().attr(MOQUETTE_KEEP_ALIVE).get() == null && attempt < 2000) {
            ctx.channel().eventLoop().schedule(() -> openWhenMoquetteIs(ctx, handle, attempt + 1), 1,
                    TimeUnit.MILLISECONDS);
            return;
        }
        open = true;
        List<MqttMessage> replay = new ArrayList<>(held);
        held.clear();
        for (MqttMessage m : replay) {
            if (ctx.channel().isActive()) {
                handle.accept(m);
            } else {
                ReferenceCountUtil.release(m);
            }
        }
    }

    /** The connection closed: nothing held will be handled. */
    void release() {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }
}
