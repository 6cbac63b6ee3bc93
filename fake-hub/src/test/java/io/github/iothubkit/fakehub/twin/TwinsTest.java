package io.github.iothubkit.fakehub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.registry.RegistryEvents;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TwinsTest {

    private final HubClock clock = HubClock.manual(Instant.parse("2030-01-02T03:04:05Z"));
    private final RegistryEvents events = new RegistryEvents();
    private final DeviceRegistry registry = new DeviceRegistry("127.0.0.1", events);
    private final Twins twins = new Twins(registry, clock, id -> id.equals("online"));

    @BeforeEach
    void device() {
        registry.create("dev1");
        events.onDelete(d -> twins.deviceDeleted(d.deviceId()));
    }

    @Nested
    class Documents {

        @Test
        void newTwinStartsAtVersionOneWithEmptySections() {
            Twin twin = twins.get("dev1");
            assertThat(twin.version()).isEqualTo(1);
            assertThat(twin.desiredVersion()).isEqualTo(1);
            assertThat(twin.reportedVersion()).isEqualTo(1);
            assertThat(twin.desired()).isEmpty();
            assertThat(twin.etag()).isEqualTo("AAAAAAAAAAE=");
            JsonObject json = new JsonObject(twin.toJson());
            assertThat(json.getString("status")).isEqualTo("enabled");
            assertThat(json.getString("connectionState")).isEqualTo("Disconnected");
            assertThat(json.containsKey("tags")).isFalse();
            assertThat(json.getJsonObject("properties").getJsonObject("desired").getJsonObject("$metadata")
                    .getString("$lastUpdated")).isEqualTo("2030-01-02T03:04:05.0000000Z");
        }

        @Test
        void unknownDeviceIs404001() {
            assertThatThrownBy(() -> twins.get("nope")).isInstanceOfSatisfying(TwinException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(404001));
        }

        @Test
        void nestedMergeWithNullRemovingAndOneVersionPerChange() {
            twins.patchDesired("dev1", "{\"a\":{\"x\":1,\"y\":2},\"b\":\"keep\"}");
            clock.advance(Duration.ofSeconds(10));
            Twin twin = twins.patchDesired("dev1", "{\"a\":{\"y\":null,\"z\":{\"deep\":true}},\"c\":[1,2]}");
            assertThat(twin.desired()).isEqualTo(Map.of("a", Map.of("x", 1, "z", Map.of("deep", true)), "b", "keep",
                    "c", List.of(1, 2)));
            assertThat(twin.desiredVersion()).isEqualTo(3);
            assertThat(twin.version()).isEqualTo(3);
            JsonObject meta = new JsonObject(twin.toJson()).getJsonObject("properties").getJsonObject("desired")
                    .getJsonObject("$metadata");
            assertThat(meta.getJsonObject("a").getJsonObject("z").getString("$lastUpdated"))
                    .isEqualTo("2030-01-02T03:04:15.0000000Z");
            assertThat(meta.getJsonObject("a").getJsonObject("x").getString("$lastUpdated"))
                    .isEqualTo("2030-01-02T03:04:05.0000000Z");
            assertThat(meta.getJsonObject("a").containsKey("y")).isFalse();
            assertThat(meta.getJsonObject("b").getInteger("$lastUpdatedVersion")).isEqualTo(2);
            assertThat(meta.getInteger("$lastUpdatedVersion")).isEqualTo(3);
        }

        @Test
        void reportedPatchBumpsReportedAndTwinVersionButNotDesired() {
            assertThat(twins.patchReported("dev1", "{\"fw\":\"1.2\"}", null)).isEqualTo(2);
            Twin twin = twins.get("dev1");
            assertThat(twin.reported("fw")).isEqualTo("1.2");
            assertThat(twin.desiredVersion()).isEqualTo(1);
            assertThat(twin.version()).isEqualTo(2);
            assertThat(twin.reportedLastUpdated("fw")).isEqualTo("2030-01-02T03:04:05.0000000Z");
            assertThat(new JsonObject(twins.deviceView("dev1"))).isEqualTo(new JsonObject(
                    "{\"desired\":{\"$version\":1},\"reported\":{\"fw\":\"1.2\",\"$version\":2}}"));
        }

        @Test
        void staleReportedVersionIs412AndChangesNothing() {
            twins.patchReported("dev1", "{\"a\":1}", 1);
            assertThatThrownBy(() -> twins.patchReported("dev1", "{\"a\":2}", 1))
                    .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.status()).isEqualTo(412));
            assertThat(twins.get("dev1").reported("a")).isEqualTo(1);
        }

        @Test
        void sdkEchoedVersionAndMetadataAreIgnored() {
            twins.patchReported("dev1", "{\"a\":1,\"$version\":7,\"$metadata\":{}}", null);
            assertThat(twins.get("dev1").reported()).isEqualTo(Map.of("a", 1));
        }

        @Test
        void tagsMergeAndReplaceAndDeleteWithDevice() {
            twins.update("dev1", "{\"tags\":{\"site\":\"a\",\"floor\":1}}", null);
            twins.update("dev1", "{\"deviceId\":null,\"etag\":null,\"tags\":{\"floor\":null,\"room\":2}}", "*");
            assertThat(twins.get("dev1").tags()).isEqualTo(Map.of("site", "a", "room", 2));
            twins.replace("dev1", "{\"tags\":{\"only\":true}}", null);
            assertThat(twins.get("dev1").tags()).isEqualTo(Map.of("only", true));
            registry.delete("dev1");
            registry.create("dev1");
            assertThat(twins.get("dev1").version()).isEqualTo(1);
            assertThat(twins.get("dev1").tags()).isEmpty();
        }

        @Test
        void ifMatchAcceptsQuotedUnquotedAndStar() {
            String etag = twins.get("dev1").etag();
            twins.update("dev1", "{\"tags\":{\"a\":1}}", "\"" + etag + "\"");
            String next = twins.get("dev1").etag();
            assertThat(next).isNotEqualTo(etag);
            twins.update("dev1", "{\"tags\":{\"a\":2}}", next);
            twins.update("dev1", "{\"tags\":{\"a\":3}}", "\"*\"");
            assertThatThrownBy(() -> twins.update("dev1", "{\"tags\":{\"a\":4}}", etag))
                    .isInstanceOfSatisfying(TwinException.class, e -> {
                        assertThat(e.status()).isEqualTo(412);
                        assertThat(e.errorCode()).isEqualTo(412001);
                    });
            assertThat(twins.get("dev1").tags()).isEqualTo(Map.of("a", 3));
        }

        @Test
        void throttledUpdateIs429ThenPasses() {
            twins.throttleUpdates("dev1", 1);
            assertThatThrownBy(() -> twins.patchDesired("dev1", "{\"a\":1}"))
                    .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.errorCode()).isEqualTo(429001));
            assertThat(twins.patchDesired("dev1", "{\"a\":1}").desiredVersion()).isEqualTo(2);
        }

        @Test
        void desiredPatchAsAMapMergesNestedMapsAndNullRemoves() {
            twins.patchDesired("dev1", Map.of("a", Map.of("x", 1, "y", 2), "b", true));
            java.util.Map<String, Object> patch = new java.util.HashMap<>();
            patch.put("a", Map.of("y", 3));
            patch.put("b", null);
            Twin twin = twins.patchDesired("dev1", patch);
            assertThat(twin.desired()).isEqualTo(Map.of("a", Map.of("x", 1, "y", 3)));
            assertThat(twin.desiredVersion()).isEqualTo(3);
        }

        @Test
        void connectionStateFollowsTheSessionOwner() {
            registry.create("online");
            assertThat(twins.get("online").connectionState()).isEqualTo("Connected");
        }
    }

    @Nested
    class Limits {

        @Test
        void keysWithDotDollarSpaceOrControlAreRefused() {
            for (String key : List.of("a.b", "$x", "a b", "a\u0001")) {
                assertThatThrownBy(() -> twins.patchDesired("dev1", new JsonObject().put(key, 1).encode()))
                        .as(key).isInstanceOfSatisfying(TwinException.class, e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.errorCode()).isEqualTo(400004);
                        });
            }
            assertThat(twins.get("dev1").desiredVersion()).isEqualTo(1);
        }

        @Test
        void tenLevelsBelowTheRootPassElevenDoNot() {
            assertThat(twins.patchReported("dev1", nested(10), null)).isEqualTo(2);
            assertThatThrownBy(() -> twins.patchReported("dev1", nested(11), null))
                    .isInstanceOf(TwinException.class).hasMessageContaining("deeper");
        }

        @Test
        void sectionOver32KbIsRefusedAndKeepsTheOldState() {
            String big = "x".repeat(4000);
            JsonObject patch = new JsonObject();
            for (int i = 0; i < 8; i++) {
                patch.put("k" + i, big);
            }
            twins.patchDesired("dev1", patch.encode());
            assertThatThrownBy(() -> twins.patchDesired("dev1", "{\"more\":\"" + big + "\"}"))
                    .isInstanceOf(TwinException.class).hasMessageContaining("32768");
            assertThat(twins.get("dev1").desiredVersion()).isEqualTo(2);
        }

        @Test
        void tagsOver8KbAndLongStringsAndHugeIntegersAreRefused() {
            assertThatThrownBy(() -> twins.update("dev1", "{\"tags\":{\"a\":\"" + "y".repeat(3000) + "\",\"b\":\""
                    + "y".repeat(3000) + "\",\"c\":\"" + "y".repeat(3000) + "\"}}", null))
                    .isInstanceOf(TwinException.class).hasMessageContaining("8192");
            assertThatThrownBy(() -> twins.patchDesired("dev1", "{\"s\":\"" + "y".repeat(4097) + "\"}"))
                    .isInstanceOf(TwinException.class).hasMessageContaining("4096");
            assertThatThrownBy(() -> twins.patchDesired("dev1", "{\"n\":4503599627370496}"))
                    .isInstanceOf(TwinException.class).hasMessageContaining("range");
            assertThat(twins.patchDesired("dev1", "{\"n\":4503599627370495}").desired("n")).isEqualTo(4503599627370495L);
        }

        @Test
        void serviceMayNotWriteReportedOrSendNonObjects() {
            assertThatThrownBy(() -> twins.update("dev1", "{\"properties\":{\"reported\":{\"a\":1}}}", null))
                    .isInstanceOf(TwinException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> twins.update("dev1", "[1]", null)).isInstanceOf(TwinException.class);
            assertThatThrownBy(() -> twins.update("dev1", "{\"deviceId\":null}", null))
                    .isInstanceOf(TwinException.class).hasMessageContaining("neither");
        }

        private String nested(int levels) {
            JsonObject root = new JsonObject();
            JsonObject current = root;
            for (int i = 0; i < levels; i++) {
                JsonObject child = new JsonObject();
                current.put("l" + i, child);
                current = child;
            }
            current.put("leaf", 1);
            return root.encode();
        }
    }

    @Nested
    class DesiredNotifications {

        @Test
        void subscribedSessionGetsEachPatchInVersionOrderWithVersion() throws Exception {
            List<String> seen = new ArrayList<>();
            AutoCloseable subscription = twins.subscribeDesired("dev1", (v, patch) -> seen.add(v + " " + patch));
            twins.patchDesired("dev1", "{\"a\":1}");
            twins.patchDesired("dev1", "{\"a\":null,\"b\":{\"c\":2}}");
            twins.replace("dev1", "{\"properties\":{\"desired\":{\"z\":0}}}", "*");
            assertThat(seen).containsExactly("2 {\"a\":1,\"$version\":2}",
                    "3 {\"a\":null,\"b\":{\"c\":2},\"$version\":3}",
                    "4 {\"z\":0,\"b\":null,\"$version\":4}");
            subscription.close();
            twins.patchDesired("dev1", "{\"a\":5}");
            assertThat(seen).hasSize(3);
            assertThat(twins.isSubscribedToDesired("dev1")).isFalse();
        }

        @Test
        void concurrentPatchesArriveInVersionOrder() throws Exception {
            List<Integer> versions = java.util.Collections.synchronizedList(new ArrayList<>());
            twins.subscribeDesired("dev1", (v, patch) -> versions.add(v));
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int w = t;
                writers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 50; i++) {
                        twins.patchDesired("dev1", "{\"w" + w + "\":" + i + "}");
                    }
                }));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
            assertThat(versions).hasSize(200).isSorted().startsWith(2).endsWith(201);
        }

        @Test
        void awaitReportedReturnsOnceTheValueArrivesAndFailsWithWhatItSaw() {
            CompletableFuture.runAsync(() -> twins.patchReported("dev1", "{\"fw\":{\"v\":3}}", null));
            assertThat(twins.awaitReported("dev1", "fw.v", 3L, Duration.ofSeconds(5)).reportedVersion()).isEqualTo(2);
            assertThatThrownBy(() -> twins.awaitReported("dev1", "fw.v", 4, Duration.ofMillis(50)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("reported {fw={v=3}}");
        }
    }
}
