package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonMessageHandler;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;

/**
 * A bare vertx-proton AMQP client for the wire details the SDK hides. Every call blocks until the
 * peer answered (or 10 s passed) and runs the proton work on the connection's own context.
 */
public final class AmqpWire implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx(new VertxOptions().setUseDaemonThread(true).setEventLoopPoolSize(1));
    private static final long TIMEOUT_SECONDS = 10;

    private final ProtonConnection connection;
    private final Context context;
    private final BlockingQueue<Message> cbsReplies = new LinkedBlockingQueue<>();
    private ProtonSender cbsSender;

    private AmqpWire(ProtonConnection connection, Context context) {
        this.connection = connection;
        this.context = context;
    }

    public static AmqpWire connect(FakeIotHub hub) {
        Context context = VERTX.getOrCreateContext();
        ProtonClientOptions options = new ProtonClientOptions().setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(hub.trust().caPem())))
                .setHostnameVerificationAlgorithm("");
        CompletableFuture<AmqpWire> opened = new CompletableFuture<>();
        context.runOnContext(v -> ProtonClient.create(VERTX).connect(options, hub.host(), hub.amqpsPort(), ar -> {
            if (ar.failed()) {
                opened.completeExceptionally(ar.cause());
                return;
            }
            ProtonConnection c = ar.result();
            c.setHostname(hub.host()).openHandler(o -> {
                if (o.succeeded()) {
                    opened.complete(new AmqpWire(c, context));
                } else {
                    opened.completeExceptionally(o.cause());
                }
            }).open();
        }));
        return join(opened);
    }

    /** A valid service token for the hub's iothubowner policy. */
    public static String serviceToken(FakeIotHub hub) {
        String cs = hub.serviceConnectionString();
        String key = cs.substring(cs.indexOf("SharedAccessKey=") + "SharedAccessKey=".length());
        return SasToken.create(hub.host(), "iothubowner", key, Instant.now().plusSeconds(3600));
    }

    /** Sends put-token with this message id and returns the hub's reply. */
    public Message putToken(Object messageId, Object body) {
        Message request = Message.Factory.create();
        request.setMessageId(messageId);
        request.setAddress("$cbs");
        request.setReplyTo("cbs");
        request.setApplicationProperties(new ApplicationProperties(Map.of("operation", "put-token",
                "type", "servicebus.windows.net:sastoken", "name", "whatever")));
        request.setBody(body instanceof org.apache.qpid.proton.amqp.messaging.Section s ? s : new AmqpValue(body));
        return cbs(request);
    }

    /** Sends any request on $cbs and returns the hub's reply. */
    public Message cbs(Message request) {
        if (cbsSender == null) {
            receiver("$cbs", 1000, (d, m) -> cbsReplies.add(m)); // no top-up: credit for many replies
            cbsSender = sender("$cbs", ProtonQoS.AT_LEAST_ONCE);
        }
        send(cbsSender, request);
        try {
            Message reply = cbsReplies.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (reply == null) {
                throw new AssertionError("no CBS reply within " + TIMEOUT_SECONDS + " s");
            }
            return reply;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sends without waiting; {@code outcome} gets the hub's disposition when (if) it comes. */
    public void sendNoWait(ProtonSender sender, Message message, Consumer<DeliveryState> outcome) {
        context.runOnContext(v -> sender.send(message, d -> outcome.accept(d.getRemoteState())));
    }

    /** Drops the TCP connection at once: no AMQP close, unsettled deliveries left hanging. */
    public void disconnectNow() {
        onContext(done -> {
            connection.disconnect();
            done.complete(null);
        });
    }

    public ProtonSender sender(String address, ProtonQoS qos) {
        return onContext(done -> {
            ProtonSender s = connection.createSender(address).setQoS(qos);
            s.openHandler(ar -> done.complete(s)).open();
        });
    }

    public ProtonReceiver receiver(String address, int credit, ProtonMessageHandler handler) {
        return onContext(done -> {
            ProtonReceiver r = connection.createReceiver(address).setPrefetch(0).setAutoAccept(false).handler(handler);
            r.openHandler(ar -> {
                r.flow(credit);
                done.complete(r);
            }).open();
        });
    }

    /** Attaches a link the hub should refuse and returns the error it detached with. */
    public ErrorCondition refusedAttach(boolean asSender, String address) {
        return onContext(done -> {
            ProtonLink<?> link = asSender ? connection.createSender(address) : connection.createReceiver(address);
            link.closeHandler(ar -> done.complete(link.getRemoteCondition()));
            link.open();
        });
    }

    /** Sends unsettled and returns the hub's outcome; for a pre-settled sender returns null at once. */
    public DeliveryState send(ProtonSender sender, Message message) {
        return onContext(done -> {
            ProtonDelivery d = sender.send(message, delivery -> done.complete(delivery.getRemoteState()));
            if (sender.getQoS() == ProtonQoS.AT_MOST_ONCE) {
                done.complete(null);
            }
            if (d == null) {
                done.completeExceptionally(new AssertionError("not sent"));
            }
        });
    }

    public void disposition(ProtonDelivery delivery, DeliveryState state) {
        onContext(done -> {
            delivery.disposition(state, true);
            done.complete(null);
        });
    }

    public void run(Consumer<ProtonConnection> action) {
        onContext(done -> {
            action.accept(connection);
            done.complete(null);
        });
    }

    public boolean isDisconnected() {
        return onContext(done -> done.complete(connection.isDisconnected()));
    }

    @Override
    public void close() {
        context.runOnContext(v -> connection.close().disconnect());
    }

    public <T> T onContext(Consumer<CompletableFuture<T>> action) {
        CompletableFuture<T> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                action.accept(done);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        });
        return join(done);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError("AMQP call failed or timed out", e);
        }
    }
}
