package io.github.iothubkit.fakehub.mqtt;

import io.moquette.broker.Server;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The two places where the fake reaches inside Moquette 0.17, which offers no public hook for either.
 * Both fail loudly: if an upgrade moves these fields, {@code start()} throws instead of running a hub
 * that silently loses acks (and {@code MoquetteHooksTest} fails).
 *
 * <ol>
 *   <li>Per-connection handler: Moquette adds its optional "wizardMetrics" handler, taken from the
 *       acceptor's {@code metrics} field, to every new pipeline just before its MQTT handler. Setting that
 *       field to a sharable installer puts a {@link DeviceChannel} there on every connection, before the
 *       first byte is read; Moquette's PUBACK interceptor hook is a no-op in 0.17, so this is how the hub
 *       sees acknowledgements at all.</li>
 *   <li>Fast stop: Moquette's stop waits out Netty's 2-second quiet period. Shutting its event loop
 *       groups down with no quiet period first makes that wait return at once.</li>
 * </ol>
 */
final class MoquetteHooks {

    private MoquetteHooks() {
    }

    static void installPerConnectionHandler(Server server, Supplier<ChannelHandler> handlerFactory) {
        Object acceptor = read(server, "acceptor");
        write(acceptor, "metrics", Optional.of(new Installer(handlerFactory)));
        // Make the write visible to every I/O thread before the first connection is initialised there.
        for (EventExecutor loop : (EventLoopGroup) read(acceptor, "workerGroup")) {
            loop.submit(() -> { }).syncUninterruptibly();
        }
    }

    static void shutDownEventLoopsNow(Server server) {
        Object acceptor = read(server, "acceptor");
        if (acceptor == null) {
            return;
        }
        for (String group : new String[] {"bossGroup", "workerGroup"}) {
            EventLoopGroup loops = (EventLoopGroup) read(acceptor, group);
            if (loops != null) {
                loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    private static Object read(Object target, String name) {
        try {
            return field(target, name).get(target);
        } catch (IllegalAccessException e) {
            throw incompatible(target, name, e);
        }
    }

    private static void write(Object target, String name, Object value) {
        try {
            field(target, name).set(target, value);
        } catch (IllegalAccessException e) {
            throw incompatible(target, name, e);
        }
    }

    private static Field field(Object target, String name) {
        try {
            Field f = target.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            throw incompatible(target, name, e);
        }
    }

    private static IllegalStateException incompatible(Object target, String name, Exception cause) {
        return new IllegalStateException("this Moquette version is not the one the fake hub was built for (0.17):"
                + " " + (target == null ? "null" : target.getClass().getName()) + "." + name
                + " is missing; pin io.moquette:moquette-broker:0.17", cause);
    }

    /** Added by Moquette to every pipeline; replaces itself with a fresh per-connection handler. */
    @ChannelHandler.Sharable
    private static final class Installer extends ChannelInboundHandlerAdapter {
        private final Supplier<ChannelHandler> factory;

        Installer(Supplier<ChannelHandler> factory) {
            this.factory = factory;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.pipeline().replace(this, "iothub", factory.get());
        }
    }
}
