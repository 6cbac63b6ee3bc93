package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.auth.HubAuthenticator;
import io.github.iothubkit.fakehub.auth.SasToken;
import io.github.iothubkit.fakehub.c2d.CloudToDevice;
import io.github.iothubkit.fakehub.c2d.FeedbackJournal;
import io.github.iothubkit.fakehub.internal.HubContext;
import io.github.iothubkit.fakehub.registry.DeviceIdentity;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.telemetry.Telemetry;
import io.github.iothubkit.fakehub.tls.HubCertificates;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The node table's address matching and the CBS grants that gate it. */
class AmqpRoutingTest {

    private static final String HOST = "127.0.0.39";

    @ParameterizedTest
    @ValueSource(strings = {"/messages/devicebound", "messages/devicebound", "/Messages/DeviceBound/",
        "amqps://127.0.0.39/messages/devicebound", "amqps://127.0.0.39:5671/messages/devicebound",
        "AMQPS://some.host/messages/devicebound"})
    void anAddressMatchesWhateverItsCaseSlashesOrHostPrefix(String address) {
        NodeTable table = new NodeTable().incoming("/messages/devicebound", NodeTable.Access.SERVICE, (l, p) -> { });

        assertThat(table.findIncoming(address)).isPresent();
        assertThat(table.findOutgoing(address)).as("a direction the node does not serve").isEmpty();
    }

    @Test
    void templateParametersAreHandedToTheNodeAndOtherAddressesDoNotMatch() {
        NodeTable table = new NodeTable()
                .incoming("$cbs", NodeTable.Access.NONE, (l, p) -> { })
                .incoming("/devices/{id}/messages/events", NodeTable.Access.device("id"), (l, p) -> { })
                .outgoing("{eventhub}/ConsumerGroups/{group}/Partitions/{n}", NodeTable.Access.NONE, (l, p) -> { });

        assertThat(table.findIncoming("/$cbs")).isPresent();
        assertThat(table.findIncoming("$CBS")).isPresent();
        assertThat(table.findIncoming("/devices/dev%3A1/messages/events").orElseThrow().params())
                .containsExactly(Map.entry("id", "dev%3A1")); // the node decodes, as only it knows the id rules
        assertThat(table.findOutgoing("amqps://ns/hub/ConsumerGroups/$Default/Partitions/3").orElseThrow().params())
                .containsEntry("eventhub", "hub").containsEntry("group", "$Default").containsEntry("n", "3");
        assertThat(table.findIncoming("/devices/a/b/messages/events")).isEmpty();
        assertThat(table.findIncoming("/devices//messages/events")).isEmpty();
        assertThat(table.findIncoming(null)).isEmpty();
    }

    @Test
    void grantsAreRecordedPerAudienceWithTheTokensExpiryAndARenewalReplacesThem() {
        HubContext context = context(HubClock.manual());
        Cbs cbs = new Cbs(context, EnumSet.allOf(Cbs.Kind.class));
        DeviceIdentity device = context.registry().create("Dev-A");
        String policyKey = context.authenticator().policy("iothubowner").orElseThrow().primaryKey();
        Instant in1h = Instant.now().plusSeconds(3600);
        Instant in2h = in1h.plusSeconds(3600);

        assertThat(cbs.putToken("put-token", HOST, SasToken.create(HOST, "iothubowner", policyKey, in1h)).status())
                .isEqualTo(200);
        // the service SDKs lower-case sr; the request's name keeps the device id's case
        String deviceToken = SasToken.create(HOST + "/devices/Dev-A", null, device.primaryKey(), in1h);
        assertThat(cbs.putToken("put-token", HOST + "/devices/Dev-A", deviceToken).status()).isEqualTo(200);
        assertThat(cbs.putToken("PUT-TOKEN", "https://" + HOST, SasToken.create(HOST, "iothubowner", policyKey, in2h))
                .status()).isEqualTo(200);

        String deviceKey = context.authenticator().policy("device").orElseThrow().primaryKey();
        context.registry().create("dev-c");
        assertThat(cbs.putToken("put-token", null, SasToken.create(HOST + "/devices/dev-c", "device", deviceKey, in1h))
                .status()).as("a device policy token").isEqualTo(200);
        assertThat(cbs.putToken("put-token", null, SasToken.create(HOST, "device", deviceKey, in1h)).status())
                .as("the device policy is no service policy").isEqualTo(401);

        assertThat(cbs.grants()).containsOnlyKeys(HOST, HOST + "/devices/dev-a", HOST + "/devices/dev-c");
        assertThat(cbs.device("dev-c")).isPresent();
        assertThat(cbs.grants().get(HOST)).isEqualTo(new Cbs.Grant(HOST, Cbs.Kind.SERVICE, "iothubowner",
                Instant.ofEpochSecond(in2h.getEpochSecond())));
        assertThat(cbs.device("Dev-A").orElseThrow().expiry()).isEqualTo(Instant.ofEpochSecond(in1h.getEpochSecond()));
        assertThat(cbs.device("dev-a")).isEmpty();

        Map<String, String> encoded = Map.of("id", "Dev%2DA");
        assertThat(NodeTable.Access.device("id").granted(cbs, encoded)).as("the address's id is decoded").isTrue();
        assertThat(NodeTable.Access.device("id").granted(cbs, Map.of("id", "dev-a"))).isFalse();

        Cbs devicesOnly = new Cbs(context, EnumSet.allOf(Cbs.Kind.class));
        devicesOnly.putToken("put-token", null, deviceToken);
        assertThat(NodeTable.Access.SERVICE.granted(devicesOnly, Map.of())).as("a device grant is no service grant")
                .isFalse();

        context.clock().set(in1h.plusSeconds(1));
        assertThat(cbs.device("Dev-A")).as("expired with its token").isEmpty();
        assertThat(cbs.service()).isPresent();
        assertThat(NodeTable.Access.device("id").granted(cbs, encoded)).isFalse();
    }

    @Test
    void badPutTokensRecordNothing() {
        HubContext context = context(HubClock.system());
        Cbs cbs = new Cbs(context, EnumSet.allOf(Cbs.Kind.class));
        DeviceIdentity device = context.registry().create("dev-b");
        Instant in1h = Instant.now().plusSeconds(3600);

        assertThat(cbs.putToken("delete-token", HOST, "x").status()).isEqualTo(400);
        assertThat(cbs.putToken(null, HOST, "x").status()).isEqualTo(400);
        assertThat(cbs.putToken("put-token", HOST, null).status()).isEqualTo(400);
        assertThat(cbs.putToken("put-token", HOST, "not a token").status()).isEqualTo(401);
        assertThat(cbs.putToken("put-token", null,
                SasToken.create(HOST + "/devices/nobody", null, device.primaryKey(), in1h)).status()).isEqualTo(401);
        assertThat(cbs.putToken("put-token", null,
                SasToken.create(HOST + "/devices/dev-b/modules/m", null, device.primaryKey(), in1h)).description())
                .contains("module");
        assertThat(cbs.grants()).isEmpty();
    }

    @Test
    void anExpiredGrantRefusesNewLinksButKeepsAttachedOnesAndARenewalRestoresIt() {
        try (FakeIotHub hub = FakeIotHub.builder().host(HOST).clock(HubClock.manual()).start();
                AmqpWire client = AmqpWire.connect(hub)) {
            hub.devices().create("dev-1");
            assertThat(status(client.putToken(UUID.randomUUID(), AmqpWire.serviceToken(hub)))).isEqualTo(200);
            ProtonSender sender = client.sender("/messages/devicebound", ProtonQoS.AT_LEAST_ONCE);

            hub.clock().advance(Duration.ofHours(2)); // past the token's se (1 h)

            assertThat(client.refusedAttach(false, "/messages/servicebound/feedback").getCondition().toString())
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(client.send(sender, AmqpWireTest.c2d("/devices/dev-1/messages/devicebound")))
                    .isInstanceOf(Accepted.class);

            String cs = hub.serviceConnectionString();
            String renewed = SasToken.create(hub.host(), "iothubowner",
                    cs.substring(cs.indexOf("SharedAccessKey=") + "SharedAccessKey=".length()),
                    Instant.now().plus(Duration.ofHours(3)));
            assertThat(status(client.putToken(UUID.randomUUID(), renewed))).isEqualTo(200);
            assertThat(client.send(client.sender("/messages/devicebound", ProtonQoS.AT_LEAST_ONCE),
                    AmqpWireTest.c2d("/devices/dev-1/messages/devicebound"))).isInstanceOf(Accepted.class);
        }
    }

    @Test
    void aDeviceTokenOpensItsOwnDeviceLinksOnlyNeverAnotherDevicesNorTheServiceNodes() {
        try (FakeIotHub hub = FakeIotHub.builder().host(HOST).start(); AmqpWire client = AmqpWire.connect(hub)) {
            DeviceIdentity device = hub.devices().create("dev-2");
            hub.devices().create("dev-3");
            String token = SasToken.create(hub.host() + "/devices/dev-2", null, device.primaryKey(),
                    Instant.now().plusSeconds(3600));

            Message reply = client.putToken(UUID.randomUUID(), token);
            assertThat(status(reply)).isEqualTo(200);
            assertThat(client.refusedAttach(true, "/messages/devicebound").getCondition().toString())
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(client.refusedAttach(true, "/devices/dev-3/messages/events").getCondition().toString())
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(client.send(client.sender("/devices/dev-2/messages/events", ProtonQoS.AT_LEAST_ONCE),
                    AmqpWireTest.c2d("/devices/dev-2/messages/events"))).isInstanceOf(Accepted.class);
            assertThat(hub.telemetry().messages("dev-2")).hasSize(1);
        }
    }

    private static int status(Message reply) {
        return (Integer) reply.getApplicationProperties().getValue().get("status-code");
    }

    private static HubContext context(HubClock clock) {
        DeviceRegistry registry = new DeviceRegistry(HOST);
        FeedbackJournal feedback = new FeedbackJournal(clock);
        return new HubContext(HOST, registry, new CloudToDevice(registry, clock, CloudToDevice.Limits.IOT_HUB, feedback),
                feedback, new Telemetry(), clock, new HubAuthenticator(HOST, registry),
                HubCertificates.generate(HOST), Duration.ofMillis(50), 64);
    }
}
