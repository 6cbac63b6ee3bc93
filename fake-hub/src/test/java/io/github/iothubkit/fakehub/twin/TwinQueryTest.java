package io.github.iothubkit.fakehub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TwinQueryTest {

    private final DeviceRegistry registry = new DeviceRegistry("127.0.0.1");
    private final Twins twins = new Twins(registry, HubClock.system(), id -> id.equals("b"));

    @BeforeEach
    void devices() {
        for (String id : List.of("a", "b", "c", "d")) {
            registry.create(id);
        }
        registry.disable("d");
        twins.update("a", "{\"tags\":{\"site\":\"north\",\"floor\":1}}", null);
        twins.update("b", "{\"tags\":{\"site\":\"south\",\"floor\":2}}", null);
        twins.update("c", "{\"tags\":{\"site\":\"north\",\"floor\":3}}", null);
        twins.patchReported("a", "{\"fw\":\"1.0\",\"temp\":20.5}", null);
        twins.patchReported("b", "{\"fw\":\"1.2\",\"temp\":25}", null);
        twins.patchDesired("c", "{\"mode\":{\"eco\":true}}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT * FROM devices | a,b,c,d",
        "select * from DEVICES where deviceId = 'b' | b",
        "SELECT * FROM devices WHERE tags.site = 'north' | a,c",
        "SELECT * FROM devices WHERE tags.site != 'north' | b",
        "SELECT * FROM devices WHERE tags.site <> 'north' | b",
        "SELECT * FROM devices WHERE tags.floor >= 2 | b,c",
        "SELECT * FROM devices WHERE tags.floor < 2 OR tags.floor > 2 | a,c",
        "SELECT * FROM devices WHERE tags.floor <= 2 AND tags.site = 'north' | a",
        "SELECT * FROM devices WHERE NOT (tags.site = 'north') | b",
        "SELECT * FROM devices WHERE properties.reported.temp > 20 | a,b",
        "SELECT * FROM devices WHERE properties.reported.fw = \"1.2\" | b",
        "SELECT * FROM devices WHERE properties.desired.mode.eco = true | c",
        "SELECT * FROM devices WHERE IS_DEFINED(properties.reported.fw) | a,b",
        "SELECT * FROM devices WHERE NOT IS_DEFINED(tags.site) | d",
        "SELECT * FROM devices WHERE status = 'disabled' | d",
        "SELECT * FROM devices WHERE connectionState = 'Connected' | b",
        "SELECT * FROM devices WHERE tags.site = 1 | ''",
        "SELECT * FROM devices WHERE NOT (tags.floor = 'x') | ''",
        "SELECT * FROM devices WHERE tags.floor > 'a' OR deviceId = 'd' | d",
    })
    void selectsTheMatchingTwins(String sql, String expected) {
        List<String> ids = twins.query(sql).stream().map(Twin::deviceId).toList();
        assertThat(ids).isEqualTo(expected.isEmpty() ? List.of() : List.of(expected.split(",")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT deviceId FROM devices",
        "SELECT * FROM devices.modules",
        "SELECT * FROM devices WHERE STARTSWITH(deviceId, 'a')",
        "SELECT * FROM devices WHERE tags.site IN ['a']",
        "SELECT * FROM devices GROUP BY tags.site",
        "SELECT * FROM devices WHERE lastActivityTime > '2020'",
        "SELECT COUNT() FROM devices",
        "SELECT * FROM devices WHERE tags.site = null",
    })
    void refusesWhatItDoesNotSupportNamingIt(String sql) {
        assertThatThrownBy(() -> twins.query(sql)).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("does not support");
        });
    }

    @Test
    void pagesCarryAContinuationUntilTheLastPage() {
        QueryPage first = twins.query("SELECT * FROM devices", 3, null);
        assertThat(first.items()).extracting(Twin::deviceId).containsExactly("a", "b", "c");
        assertThat(first.continuation()).isNotNull();
        QueryPage last = twins.query("SELECT * FROM devices", 3, first.continuation());
        assertThat(last.items()).extracting(Twin::deviceId).containsExactly("d");
        assertThat(last.continuation()).isNull();
        QueryPage exact = twins.query("SELECT * FROM devices WHERE tags.site = 'north'", 2, null);
        assertThat(exact.items()).hasSize(2);
        assertThat(exact.continuation()).isNull();
    }
}
