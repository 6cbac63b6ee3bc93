package io.github.iothubkit.fakehub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.c2d.C2dMessage;
import io.github.iothubkit.fakehub.c2d.C2dOutcome;
import io.moquette.broker.Server;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fake reaches into Moquette 0.17 in two places (see {@link MoquetteHooks}). If a Moquette upgrade
 * breaks either, these tests fail loudly instead of the hub silently losing acknowledgements.
 */
class MoquetteHooksTest {

    @Test
    void refusesToRunOnABrokerThatDoesNotHaveTheExpectedInternals() {
        assertThatThrownBy(() -> MoquetteHooks.installPerConnectionHandler(new Server(), ChannelInboundHandlerAdapter::new))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pin io.moquette:moquette-broker:0.17");
    }

    @Test
    void everyConnectionIsHandledByTheHubFromItsFirstPacketToItsPuback() throws Exception {
        try (FakeIotHub hub = FakeIotHub.builder().host("127.0.0.24").mqttPort(0).amqpPort(0).start()) {
            var dev = hub.devices().create("hooked");
            // CONNACK 5 exists only in the hub's handler: Moquette itself can only answer 4.
            assertThatThrownBy(RawDevice.of(hub, "not-registered", dev.primaryKey(), false)::connect)
                    .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(
                            e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
            // Completion exists only because the handler sees the device's PUBACK.
            try (RawDevice device = RawDevice.connected(hub, dev, true)) {
                device.subscribeC2d("hooked");
                hub.cloudToDevice().send("hooked", C2dMessage.of("x").messageId("h1"));
                device.take().acknowledge();
                hub.cloudToDevice().awaitOutcome("h1", C2dOutcome.COMPLETED, Duration.ofSeconds(15));
            }
        }
    }

    @Test
    void aHubWritesNothingToTheWorkingDirectory() throws IOException {
        Path cwd = Path.of(System.getProperty("user.dir"));
        List<Path> before = list(cwd);
        try (FakeIotHub hub = FakeIotHub.builder().host("127.0.0.24").mqttPort(0).amqpPort(0).start()) {
            try (RawDevice device = RawDevice.connected(hub, hub.devices().create("quiet"), false)) {
                device.subscribeC2d("quiet");
            }
        }
        assertThat(list(cwd)).containsExactlyInAnyOrderElementsOf(before);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().equals("target")).toList();
        }
    }
}
