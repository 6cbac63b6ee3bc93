package io.github.iothubkit.fakehub.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one record of device sessions, transport-neutral: takeover, subscriptions kept or not, late events. */
class DeviceSessionsTest {

    private final DeviceSessions sessions = new DeviceSessions();
    private final List<String> heard = new ArrayList<>();

    DeviceSessionsTest() {
        sessions.listen(new DeviceSessions.Listener() {
            @Override
            public void opened(DeviceLink link) {
                heard.add("opened " + link.transport());
            }

            @Override
            public void subscribed(DeviceLink link, Feature feature) {
                heard.add("subscribed " + link.transport() + " " + feature);
            }

            @Override
            public void unsubscribed(DeviceLink link, Feature feature) {
                heard.add("unsubscribed " + link.transport() + " " + feature);
            }

            @Override
            public void closed(DeviceLink link) {
                heard.add("closed " + link.transport());
            }

            @Override
            public void forgotten(String deviceId) {
                heard.add("forgotten " + deviceId);
            }
        });
    }

    @Test
    void aNewerSessionTakesOverOnAnyTransportAndLateEventsOfTheOlderOneChangeNothing() {
        StubLink older = StubLink.connect(sessions, "d", "MQTT", true);
        StubLink newer = StubLink.connect(sessions, "d", "AMQP", false);

        assertThat(older.droppedAs()).isEqualTo(Drop.CLEAN);
        assertThat(older.droppedWhy()).contains("taken over by a newer AMQP connection");
        assertThat(sessions.current("d")).containsSame(newer);
        assertThat(sessions.isSubscribed("d", Feature.C2D)).as("subscriptions belong to the session").isFalse();

        older.subscribe(Feature.METHODS);
        older.unsubscribe(Feature.C2D);
        older.disconnect();
        assertThat(sessions.isConnected("d")).isTrue();
        assertThat(heard).containsExactly("opened MQTT", "subscribed MQTT C2D", "opened AMQP");
    }

    @Test
    void featuresAskWhoIsConnectedAndSubscribedToWhat() {
        assertThat(sessions.isConnected("d")).isFalse();
        StubLink link = StubLink.connect(sessions, "d", "MQTT", false).subscribe(Feature.METHODS);

        assertThat(sessions.isConnected("d")).isTrue();
        assertThat(sessions.subscribedLink("d", Feature.METHODS)).isSameAs(link);
        assertThat(sessions.subscribedLink("d", Feature.C2D)).isNull();
        assertThat(sessions.drop("d", Drop.ABRUPT, "test")).isTrue();
        assertThat(link.droppedAs()).isEqualTo(Drop.ABRUPT);
        assertThat(sessions.isConnected("d")).isFalse();
        assertThat(sessions.drop("d", Drop.ABRUPT, "again")).isFalse();
    }

    @Test
    void aPersistentSessionKeepsItsSubscriptionsForTheNextConnectionUnlessItStartsClean() {
        StubLink.open(sessions, "d", "MQTT", true, false).subscribe(Feature.C2D).disconnect();

        StubLink.open(sessions, "d", "MQTT", true, true).disconnect();
        assertThat(heard).last().isEqualTo("closed MQTT");
        StubLink resumed = StubLink.open(sessions, "d", "MQTT", true, true);
        assertThat(sessions.subscribedLink("d", Feature.C2D)).isSameAs(resumed);

        resumed.disconnect();
        StubLink.open(sessions, "d", "MQTT", false, false).disconnect(); // a clean session forgets them
        StubLink.open(sessions, "d", "MQTT", true, true);
        assertThat(sessions.isSubscribed("d", Feature.C2D)).isFalse();
    }

    @Test
    void aDeletedDeviceLosesItsSessionAndWhatWasKeptForIt() {
        StubLink link = StubLink.open(sessions, "d", "MQTT", true, false).subscribe(Feature.C2D);
        sessions.forget("d");

        assertThat(link.droppedAs()).isEqualTo(Drop.CLEAN);
        assertThat(heard).endsWith("closed MQTT", "forgotten d");
        StubLink.open(sessions, "d", "MQTT", true, true);
        assertThat(sessions.isSubscribed("d", Feature.C2D)).isFalse();
    }
}
