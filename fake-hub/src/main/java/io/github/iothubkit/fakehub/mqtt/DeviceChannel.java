package io.github.iothubkit.fakehub.mqtt;

import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.c2d.Delivery;
import io.github.iothubkit.fakehub.fault.ConnectRefusal;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.session.DeviceLink;
import io.github.iothubkit.fakehub.session.Drop;
import io.github.iothubkit.fakehub.session.Feature;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's device surface on one MQTT connection: MQTT framing and a topic router in front of the hub's
 * owners. It sits in Moquette's pipeline just before Moquette's own handler and sees every packet first:
 * it authenticates CONNECT (so it can answer CONNACK 5 as well as 4), enforces the topic policy, hands
 * telemetry to the telemetry intake and acknowledges it itself, pushes C2D messages with its own packet
 * ids and reports PUBACKs. It reports its session to {@code DeviceSessions}; connect refusals and ack
 * withholding are the fault rules' decisions, the telemetry limit the intake's. Moquette keeps what it
 * does well: MQTT sessions, SUBACK, keep-alive and the takeover of a device's older connection.
 *
 * <p>All methods run on the channel's event loop except {@link #deliver} and {@link #close(Drop, String)},
 * which hop onto it.
 */
final class DeviceChannel extends ChannelDuplexHandler implements DeviceLink {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceChannel.class);

    private final HubContext hub;
    private final MqttAdapter adapter;
    private ChannelHandlerContext ctx;
    private String deviceId;
    private TopicPolicy policy;
    private boolean cleanSession;
    private boolean attached;
    private final EarlyPackets early = new EarlyPackets();
    /** SUBSCRIBE packet ids that include the device's C2D filter, until their SUBACK passes. */
    private final Set<Integer> c2dSubscribes = new HashSet<>();
    /** SUBSCRIBE packet id -> the twin/method features it turns on, until their SUBACK passes. */
    private final Map<Integer, Set<Feature>> featureSubscribes = new HashMap<>();
    private TwinMethodRouter twinsAndMethods;
    /** Our C2D packet id -> the hub's message sequence, until the PUBACK. */
    private final Map<Integer, Long> unacked = new HashMap<>();
    /** Completes once the hub's sessions have heard of this connection's close. */
    private final CompletableFuture<Void> closeReported = new CompletableFuture<>();

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
        if (type != MqttMessageType.CONNECT && early.hold(mqtt)) {
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
        Optional<ConnectRefusal> injected = hub.faultRules().admit(clientId);
        if (injected.isPresent()) {
            refuseConnect(clientId, MqttCodes.connAck(injected.get()), "injected by hub.faults()");
            return;
        }
        byte[] password = connect.payload().passwordInBytes();
        HubAuthenticator.Result auth = hub.authenticator().authenticateDevice(clientId,
                password == null ? null : new String(password, StandardCharsets.UTF_8));
        if (!auth.accepted()) {
            refuseConnect(clientId, MqttCodes.connAck(auth.refusal()), auth.reason());
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
        Set<Feature> features = java.util.EnumSet.noneOf(Feature.class);
        boolean c2d = false;
        for (MqttTopicSubscription s : subscribe.payload().topicSubscriptions()) {
            if (TopicPolicy.isIllFormed(s.topicFilter())) {
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
            hub.sessions().unsubscribed(this, Feature.C2D);
        }
        for (String filter : unsubscribe.payload().topics()) {
            twinsAndMethods.unsubscribe(filter);
            TwinMethodRouter.features(filter).forEach(f -> hub.sessions().unsubscribed(this, f));
        }
        ctx.fireChannelRead(unsubscribe);
    }

    private void onPublish(MqttPublishMessage publish) {
        try {
            MqttQoS qos = publish.fixedHeader().qosLevel();
            String topic = publish.variableHeader().topicName();
            if (TopicPolicy.isIllFormed(topic)) {
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

    private boolean acceptTelemetry(String topic, String bag, MqttPublishMessage publish) {
        PropertyBag.Decoded props = PropertyBag.decode(bag);
        Map<String, String> application = props.application();
        if (publish.fixedHeader().isRetain()) {
            application = new java.util.LinkedHashMap<>(application);
            application.put("mqtt-retain", "true"); // IoT Hub forwards RETAIN as a property, stores nothing
        }
        TelemetryMessage message = new TelemetryMessage(deviceId, topic, ByteBufUtil.getBytes(publish.payload()),
                props.system(), application, hub.clock().now());
        Optional<String> refused = hub.telemetryIntake().accept(this, message, bag.length());
        refused.ifPresent(this::close);
        return refused.isEmpty();
    }

    private void onPubAck(MqttMessage puback) {
        Long sequence = unacked.remove(((MqttMessageIdVariableHeader) puback.variableHeader()).messageId());
        if (sequence != null) { // an unknown id changes nothing
            hub.faultRules().acknowledge(this, () -> hub.cloudToDeviceSpi().complete(deviceId, sequence));
        }
    }

    // ---- outbound: watch Moquette's answers ----------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttConnAckMessage connAck
                && connAck.variableHeader().connectReturnCode() == MqttConnectReturnCode.CONNECTION_ACCEPTED
                && deviceId != null && !attached) {
            attached = true;
            // Known before the client can see CONNACK, so hub.disconnect(id) works as soon as it is connected.
            // A C2D PUBLISH this starts cannot overtake the CONNACK: deliver() queues it behind this write.
            hub.sessions().opened(this, !cleanSession, connAck.variableHeader().isSessionPresent());
            // Java does not subscribe again after a reconnect: a resumed persistent session's twin/method features
            // start now, so that what they publish queues on this loop right behind the CONNACK
            hub.sessions().features(this).forEach(twinsAndMethods::subscribe);
            // This listener runs after Moquette's own on the same write, so Moquette has marked the
            // connection open by now.
            promise = promise.unvoid().addListener(f -> {
                if (f.isSuccess() && ctx.channel().isActive()) {
                    early.openWhenMoquetteIs(ctx, m -> handle(m, m.fixedHeader().messageType()));
                }
            });
        } else if (msg instanceof MqttSubAckMessage subAck && featureSubscribes.containsKey(subAck.variableHeader().messageId())) {
            // Twin/method features start now: whatever they publish is queued on this loop behind the SUBACK, and a
            // client that sees the SUBACK may rely on them at once (IoT Hub queues no desired patch or method).
            featureSubscribes.remove(subAck.variableHeader().messageId()).forEach(feature -> {
                hub.sessions().subscribed(this, feature);
                twinsAndMethods.subscribe(feature);
            });
            boolean c2d = c2dSubscribes.remove(subAck.variableHeader().messageId());
            promise = promise.unvoid().addListener(f -> {
                if (c2d && f.isSuccess() && ctx.channel().isActive()) {
                    hub.sessions().subscribed(this, Feature.C2D);
                }
            });
        } else if (msg instanceof MqttSubAckMessage subAck && c2dSubscribes.remove(subAck.variableHeader().messageId())) {
            promise = promise.unvoid().addListener(f -> {
                if (f.isSuccess() && ctx.channel().isActive()) {
                    hub.sessions().subscribed(this, Feature.C2D);
                }
            });
        }
        ctx.write(msg, promise);
    }

    // ---- C2D delivery ------------------------------------------------------------------------

    @Override
    public String deviceId() {
        return deviceId;
    }

    @Override
    public String transport() {
        return "MQTT";
    }

    @Override
    public void deliver(Delivery delivery) {
        Duration delay = delivery.delay();
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.release();
        if (twinsAndMethods != null) {
            twinsAndMethods.closeAll();
        }
        if (deviceId != null && attached) {
            hub.sessions().closed(this);
        }
        closeReported.complete(null);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Back-pressure instead of Moquette's drop-when-unwritable: stop reading until acks drain.
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    /** Closes the connection now, as IoT Hub does on a policy violation. */
    private ChannelFuture close(String why) {
        LOG.info("Closing MQTT connection of '{}': {}", deviceId, why);
        return ctx.close();
    }

    /** Behind whatever the event loop is doing now (an ack being written goes out first). */
    @Override
    public CompletionStage<Void> close(Drop how, String why) {
        ctx.channel().eventLoop().execute(() -> {
            if (how == Drop.ABRUPT && ctx.channel().isActive()) {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0); // close with RST, like a cut cable
            }
            close(why);
        });
        return closeReported;
    }

    @Override
    public boolean isOpen() {
        return ctx != null && ctx.channel().isActive();
    }
}
