package io.github.iothubkit.fakehub.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.FakeIotHub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --partitions} and the printed {@code EVENTHUB_CONNECTION_STRING}. */
class PartitionsOptionTest {

    @Test
    void defaultsToFourAndTakesOneToThirtyTwo() {
        assertThat(CommandLineOptions.parse().partitions()).isEqualTo(4);
        assertThat(CommandLineOptions.parse("--partitions", "2").partitions()).isEqualTo(2);
        assertThat(CommandLineOptions.parse("--partitions=32").partitions()).isEqualTo(32);
        assertThatThrownBy(() -> CommandLineOptions.parse("--partitions", "0"))
                .isInstanceOf(CommandLineOptions.UsageException.class).hasMessageContaining("1 to 32");
        assertThatThrownBy(() -> CommandLineOptions.parse("--partitions", "33"))
                .isInstanceOf(CommandLineOptions.UsageException.class).hasMessageContaining("1 to 32");
        assertThat(CommandLineOptions.usage()).contains("--partitions", "EVENTHUB_CONNECTION_STRING");
    }

    @Test
    void theEventHubsStringComesLastBeforeReadyWithTheChosenPartitions() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeIotHub hub = Main.start(CommandLineOptions.parse("--host", "127.0.0.141", "--partitions", "2",
                "--registry-port", "0", "--device", "d1"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).last().isEqualTo("READY");
            assertThat(lines.get(lines.size() - 2)).isEqualTo("EVENTHUB_CONNECTION_STRING=" + hub.eventHubsConnectionString())
                    .startsWith("EVENTHUB_CONNECTION_STRING=Endpoint=sb://127.0.0.141/;SharedAccessKeyName=iothubowner;");
            assertThat(hub.eventHub().partitionIds()).containsExactly("0", "1");
        } finally {
            hub.close();
        }
    }
}
