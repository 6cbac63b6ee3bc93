package io.github.iothubkit.fakehub.mqtt;

import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.c2d.Delivery;
import io.github.iothubkit.fakehub.c2d.DeviceLink;
import io.github.iothubkit.fakehub.fault.ConnectRefusal;
import io.github.iothubkit.fakehub.fault.SdkFaultRequest;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.telemetry.TelemetryMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's device surface on one MQTT connection. It sits in Moquette's pipeline just before
 * Moquette's own handler and sees every packet first: it authenticates CONNECT (so it can answer
 * CONNACK 5 as well as 4), enforces the topic policy, takes telemetry and acknowledges it itself,
 * pushes C2D messages with its own packet ids and completes them on PUBACK. Moquette keeps what it
 * does well: sessions, SUBACK, keep-alive and the takeover of a device's older connection.
 *
 * <p>All methods run on the channel's event loop except {@link #deliver}, which hops onto it.
 */
final class DeviceChannel extends ChannelDuplexHandler implements DeviceLink {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceChannel.class);
    /** IoT Hub's limit for a device-to-cloud message, body and properties together. */
    static final int MAX_TELEMETRY_BYTES = 256 * 1024;

    private final HubContext hub;
    private final MqttAdapter adapter;
    private ChannelHandlerContext ctx;
    private String deviceId;
    private TopicPolicy policy;
    private boolean cleanSession;
    private boolean attached;
    /** True once Moquette's CONNACK is on the wire and Moquette has marked the connection open. */
    private boolean open;
    /**
     * Packets that arrived between CONNECT and the end of Moquette's CONNACK write. Moquette 0.17 marks a
     * connection open only in its CONNACK write listener and drops one whose SUBSCRIBE comes sooner ("SUBSCRIBE
     * received on already closed connection"), which a fast client hits; so they wait here and are replayed.
     */
    private final List<MqttMessage> early = new ArrayList<>();
    private static final io.netty.util.AttributeKey<Object> MOQUETTE_KEEP_ALIVE = io.netty.util.AttributeKey.valueOf("keepAlive");
    /** SUBSCRIBE packet ids that include the device's C2D filter, until their SUBACK passes. */
    private final Set<Integer> c2dSubscribes = new HashSet<>();
    /** SUBSCRIBE packet id -> the twin/method features it turns on, until their SUBACK passes. */
    private final Map<Integer, Set<TwinMethodRouter.Feature>> featureSubscribes = new HashMap<>();
    private TwinMethodRouter twinsAndMethods;
    /** Our C2D packet id -> the hub's message sequence, until the PUBACK. */
    private final Map<Integer, Long> unacked = new HashMap<>();
    /** PUBACKs received while the hub's faults withhold them, in arrival order, until released. */
    private final List<Integer> withheldAcks = new ArrayList<>();

    DeviceChannel(HubContext hub, MqttAdapter adapter) {
        this.hub = hub;
        this.adapter = adapter;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    // ---- inbound -----------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage mqtt)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (mqtt.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            close("malformed MQTT packet: " + mqtt.decoderResult().cause());
            return;
        }
        MqttMessageType type = mqtt.fixedHeader().messageType();
        if (type != MqttMessageType.CONNECT && deviceId == null) {
            ReferenceCountUtil.release(msg);
            close(type + " before CONNECT");
            return;
        }
        if (type != MqttMessageType.CONNECT && !open) {
            early.add(mqtt);
            return;
        }
        handle(mqtt, type);
    }

    private void handle(MqttMessage mqtt, MqttMessageType type) {
        switch (type) {
            case CONNECT -> onConnect((MqttConnectMessage) mqtt);
            case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) mqtt);
            case UNSUBSCRIBE -> onUnsubscribe((MqttUnsubscribeMessage) mqtt);
            case PUBLISH -> onPublish((MqttPublishMessage) mqtt);
            case PUBACK -> onPubAck(mqtt);
            case PUBREC, PUBREL, PUBCOMP -> close(type + ": IoT Hub does not support QoS 2");
            default -> ctx.fireChannelRead(mqtt); // PINGREQ, DISCONNECT: Moquette's job
        }
    }

    private void onConnect(MqttConnectMessage connect) {
        if (deviceId != null) {
            close("a second CONNECT on one connection is a protocol violation");
            return;
        }
        String clientId = connect.payload().clientIdentifier();
        Optional<ConnectRefusal> injected = adapter.faults().takeConnectRefusal(clientId);
        if (injected.isPresent()) {
            refuseConnect(clientId, MqttConnectReturnCode.valueOf((byte) injected.get().code()),
                    "injected by hub.faults()");
            return;
        }
        byte[] password = connect.payload().passwordInBytes();
        HubAuthenticator.Result auth = hub.authenticator().authenticateDevice(clientId,
                password == null ? null : new String(password, StandardCharsets.UTF_8));
        if (!auth.accepted()) {
            MqttConnectReturnCode code = auth.refusal() == HubAuthenticator.Refusal.NOT_AUTHORIZED
                    ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED
                    : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            refuseConnect(clientId, code, auth.reason());
            return;
        }
        deviceId = clientId;
        policy = new TopicPolicy(deviceId);
        twinsAndMethods = new TwinMethodRouter(hub, deviceId, ctx);
        cleanSession = connect.variableHeader().isCleanSession();
        ctx.fireChannelRead(connect); // Moquette opens (or takes over) the session and answers CONNACK
    }

    private void refuseConnect(String clientId, MqttConnectReturnCode code, String reason) {
        LOG.info("Refused MQTT CONNECT of '{}' with {}: {}", clientId, code, reason);
        ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build())
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void onSubscribe(MqttSubscribeMessage subscribe) {
        List<MqttTopicSubscription> granted = new ArrayList<>();
        Set<TwinMethodRouter.Feature> features = java.util.EnumSet.noneOf(TwinMethodRouter.Feature.class);
        boolean c2d = false;
        for (MqttTopicSubscription s : subscribe.payload().topicSubscriptions()) {
            if (isIllFormed(s.topicFilter())) {
                close("SUBSCRIBE with ill-formed UTF-8 or U+0000 in its topic filter (MQTT 3.1.1, 1.5.3)");
                return;
            }
            if (!policy.maySubscribe(s.topicFilter())) {
                close("SUBSCRIBE to '" + s.topicFilter() + "', which is not this device's topic");
                return;
            }
            c2d |= policy.isDevicebound(s.topicFilter());
            features.addAll(TwinMethodRouter.features(s.topicFilter()));
            // IoT Hub grants at most QoS 1.
            MqttQoS qos = s.qualityOfService() == MqttQoS.EXACTLY_ONCE ? MqttQoS.AT_LEAST_ONCE : s.qualityOfService();
            granted.add(new MqttTopicSubscription(s.topicFilter(), qos));
        }
        if (c2d) {
            c2dSubscribes.add(subscribe.variableHeader().messageId());
        }
        if (!features.isEmpty()) {
            featureSubscribes.put(subscribe.variableHeader().messageId(), features);
        }
        ctx.fireChannelRead(new MqttSubscribeMessage(subscribe.fixedHeader(), subscribe.variableHeader(),
                new MqttSubscribePayload(granted)));
    }

    private void onUnsubscribe(MqttUnsubscribeMessage unsubscribe) {
        if (unsubscribe.payload().topics().stream().anyMatch(policy::isDevicebound)) {
            adapter.forgetSubscription(deviceId);
            hub.cloudToDevice().unsubscribed(deviceId, this);
        }
        for (String filter : unsubscribe.payload().topics()) {
            twinsAndMethods.unsubscribe(filter);
            TwinMethodRouter.features(filter).forEach(f -> adapter.forgetFeature(deviceId, f));
        }
        ctx.fireChannelRead(unsubscribe);
    }

    private void onPublish(MqttPublishMessage publish) {
        try {
            MqttQoS qos = publish.fixedHeader().qosLevel();
            String topic = publish.variableHeader().topicName();
            if (isIllFormed(topic)) {
                close("PUBLISH with ill-formed UTF-8 or U+0000 in its topic (MQTT 3.1.1, 1.5.3)");
                return;
            }
            if (qos == MqttQoS.EXACTLY_ONCE) {
                close("PUBLISH at QoS 2, which IoT Hub does not support");
                return;
            }
            String bag = policy.telemetryBag(topic);
            if (bag == null && !TopicPolicy.isTwinOrMethodRequest(topic)) {
                close("PUBLISH to '" + topic + "', which is not this device's topic");
                return;
            }
            if (bag == null) {
                twinsAndMethods.onPublish(topic, qos, publish.variableHeader().packetId(),
                        ByteBufUtil.getBytes(publish.payload()));
                return;
            }
            if (!acceptTelemetry(topic, bag, publish)) {
                return;
            }
            if (qos == MqttQoS.AT_LEAST_ONCE) {
                ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
            }
        } finally {
            ReferenceCountUtil.release(publish);
        }
    }

    /**
     * Netty decodes MQTT strings leniently, turning ill-formed UTF-8 into U+FFFD; MQTT 3.1.1 (1.5.3) says
     * the server must close the connection on ill-formed UTF-8 or U+0000. IoT Hub's topics are
     * percent-encoded ASCII, so a U+FFFD in one can only come from bytes that were not UTF-8.
     */
    private static boolean isIllFormed(String topic) {
        return topic.indexOf('\uFFFD') >= 0 || topic.indexOf('\u0000') >= 0;
    }

    private boolean acceptTelemetry(String topic, String bag, MqttPublishMessage publish) {
        PropertyBag.Decoded props = PropertyBag.decode(bag);
        byte[] body = ByteBufUtil.getBytes(publish.payload());
        int size = body.length + bag.length();
        if (size > MAX_TELEMETRY_BYTES) {
            close("telemetry of " + size + " bytes is over IoT Hub's 256 KB limit");
            return false;
        }
        Map<String, String> application = props.application();
        if (publish.fixedHeader().isRetain()) {
            application = new java.util.LinkedHashMap<>(application);
            application.put("mqtt-retain", "true"); // IoT Hub forwards RETAIN as a property, stores nothing
        }
        hub.telemetry().record(new TelemetryMessage(deviceId, topic, body, props.system(), application,
                hub.clock().now()));
        SdkFaultRequest.from(application).ifPresent(this::honour);
        return true;
    }

    /** IoT Hub's fault-injection messages (see {@link SdkFaultRequest}); runs after the PUBACK is written. */
    private void honour(SdkFaultRequest fault) {
        if (!fault.killsTcp() && !fault.shutsDownMqtt()) {
            LOG.info("Ignoring fault request {} of '{}': the fake hub does not simulate it on MQTT", fault.operation(),
                    deviceId);
            return;
        }
        ctx.executor().schedule(() -> {
            if (fault.killsTcp()) {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0); // close with RST, like a cut cable
            }
            close(fault.operation() + " requested by the device (" + fault.closeReason().strip() + ")");
        }, fault.delay().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onPubAck(MqttMessage puback) {
        int packetId = ((MqttMessageIdVariableHeader) puback.variableHeader()).messageId();
        if (unacked.containsKey(packetId) && adapter.faults().withholdsAcks(deviceId)) {
            withheldAcks.add(packetId); // the packet id stays taken: the message is still in flight
            return;
        }
        applyAck(packetId);
    }

    /** Completes the message this connection sent with {@code packetId}; an unknown id changes nothing. */
    private void applyAck(int packetId) {
        Long sequence = unacked.remove(packetId);
        if (sequence != null) {
            hub.cloudToDevice().complete(deviceId, sequence);
        }
    }

    // ---- outbound: watch Moquette's answers ----------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttConnAckMessage connAck
                && connAck.variableHeader().connectReturnCode() == MqttConnectReturnCode.CONNECTION_ACCEPTED
                && deviceId != null && !attached) {
            boolean subscribed = !cleanSession && connAck.variableHeader().isSessionPresent()
                    && adapter.hasSubscription(deviceId);
            if (cleanSession) {
                adapter.forgetSubscription(deviceId);
                adapter.forgetFeatures(deviceId);
            }
            // Java does not subscribe again after a reconnect: a persistent session keeps its twin/method features,
            // resumed now so that what they publish queues on this loop right behind the CONNACK
            if (!cleanSession && connAck.variableHeader().isSessionPresent()) {
                adapter.features(deviceId).forEach(twinsAndMethods::subscribe);
            }
            attached = true;
            // Known before the client can see CONNACK, so hub.disconnect(id) works as soon as it is connected.
            adapter.attached(deviceId, this);
            // Attach once CONNACK is on the wire, so no C2D PUBLISH can overtake it. This listener runs after
            // Moquette's own on the same write, so Moquette has marked the connection open by now.
            promise = promise.unvoid().addListener(f -> {
                if (f.isSuccess() && ctx.channel().isActive()) {
                    hub.cloudToDevice().attach(deviceId, this, subscribed);
                    openWhenMoquetteIs(0);
                }
            });
        } else if (msg instanceof MqttSubAckMessage subAck && featureSubscribes.containsKey(subAck.variableHeader().messageId())) {
            // Twin/method features start now: whatever they publish is queued on this loop behind the SUBACK, and a
            // client that sees the SUBACK may rely on them at once (IoT Hub queues no desired patch or method).
            featureSubscribes.remove(subAck.variableHeader().messageId()).forEach(feature -> {
                adapter.rememberFeature(deviceId, feature);
                twinsAndMethods.subscribe(feature);
            });
            boolean c2d = c2dSubscribes.remove(subAck.variableHeader().messageId());
            promise = promise.unvoid().addListener(f -> {
                if (f.isSuccess() && ctx.channel().isActive()) {
                    if (c2d) {
                        adapter.rememberSubscription(deviceId);
                        hub.cloudToDevice().subscribed(deviceId, this);
                    }
                }
            });
        } else if (msg instanceof MqttSubAckMessage subAck && c2dSubscribes.remove(subAck.variableHeader().messageId())) {
            promise = promise.unvoid().addListener(f -> {
                if (f.isSuccess() && ctx.channel().isActive()) {
                    adapter.rememberSubscription(deviceId);
                    hub.cloudToDevice().subscribed(deviceId, this);
                }
            });
        }
        ctx.write(msg, promise);
    }

    // ---- C2D delivery ------------------------------------------------------------------------

    /** Applies the acks withheld by the hub's faults; any thread. */
    void releaseAcks() {
        ctx.channel().eventLoop().execute(() -> {
            if (!ctx.channel().isActive()) {
                return; // acks of a closed connection never reached the hub: the queue redelivers
            }
            List<Integer> released = new ArrayList<>(withheldAcks);
            withheldAcks.clear();
            released.forEach(this::applyAck);
        });
    }

    @Override
    public void deliver(Delivery delivery) {
        Duration delay = adapter.faults().deliveryDelay(deviceId);
        if (delay.isZero()) {
            ctx.channel().eventLoop().execute(() -> publish(delivery));
        } else { // same delay for each: the loop runs them in order
            ctx.channel().eventLoop().schedule(() -> publish(delivery), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void publish(Delivery d) {
        if (!ctx.channel().isActive()) {
            return; // the queue takes it back when the connection's close reaches detach()
        }
        int packetId = nextPacketId();
        unacked.put(packetId, d.sequence());
        ByteBuf payload = Unpooled.wrappedBuffer(d.message().body());
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, d.redelivery(), MqttQoS.AT_LEAST_ONCE,
                false, 0);
        ctx.writeAndFlush(new MqttPublishMessage(header,
                new MqttPublishVariableHeader(PropertyBag.c2dTopic(deviceId, d.message()), packetId), payload));
    }

    /**
     * Packet ids unique on this connection and not reused from the device's previous connections: the Java
     * device SDK PUBACKs a message received on one connection with that connection's packet id on the next
     * one, and such a late ack must not complete another message that happens to carry the same id.
     */
    private int nextPacketId() {
        int id;
        do {
            id = adapter.nextPacketId(deviceId);
        } while (unacked.containsKey(id));
        return id;
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /**
     * Moquette's own CONNACK listener may run after ours: wait (on the event loop) until it has run, which
     * it shows by setting the channel's "keepAlive" attribute right after marking the connection open.
     * Bounded, in case a Moquette upgrade stops setting it.
     */
    private void openWhenMoquetteIs(int attempt) {
        if (ctx.channel().isActive() && ctx.channel().attr(MOQUETTE_KEEP_ALIVE).get() == null && attempt < 2000) {
            ctx.channel().eventLoop().schedule(() -> openWhenMoquetteIs(attempt + 1), 1, TimeUnit.MILLISECONDS);
            return;
        }
        open = true;
        replayEarlyPackets();
    }

    private void replayEarlyPackets() {
        List<MqttMessage> held = new ArrayList<>(early);
        early.clear();
        for (MqttMessage m : held) {
            if (ctx.channel().isActive()) {
                handle(m, m.fixedHeader().messageType());
            } else {
                ReferenceCountUtil.release(m);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        if (twinsAndMethods != null) {
            twinsAndMethods.closeAll();
        }
        if (deviceId != null && attached) {
            hub.cloudToDevice().detach(deviceId, this);
            adapter.detached(deviceId, this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Back-pressure instead of Moquette's drop-when-unwritable: stop reading until acks drain.
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    /** Closes the connection now, as IoT Hub does on a policy violation. */
    ChannelFuture close(String why) {
        LOG.info("Closing MQTT connection of '{}': {}", deviceId, why);
        return ctx.close();
    }

    boolean isActive() {
        return ctx != null && ctx.channel().isActive();
    }
}
