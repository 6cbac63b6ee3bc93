package io.github.iothubkit.fakehub.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.standalone.CommandLineOptions.DeviceOption;
import io.github.iothubkit.fakehub.standalone.CommandLineOptions.UsageException;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineOptionsTest {

    private static final String KEY = "AAECAwQFBgcICQoLDA0ODw==";

    @Nested
    class Defaults {

        @Test
        void withNoArgumentsTheHubUsesIotHubsPortsOnLocalhost() {
            CommandLineOptions options = CommandLineOptions.parse();

            assertThat(options.host()).isEqualTo("127.0.0.1");
            assertThat(options.registryPort()).isEqualTo(443);
            assertThat(options.registryPortExplicit()).isFalse();
            assertThat(options.devices()).isEmpty();
            assertThat(options.caOut()).isNull();
            assertThat(options.allowNonLoopback()).isFalse();
            assertThat(options.help()).isFalse();
        }

        @Test
        void theBuilderIsConfiguredFromTheOptions() {
            assertThat(CommandLineOptions.parse("--host", "127.0.0.55").toBuilder()).isNotNull();
        }
    }

    @Nested
    class Values {

        @Test
        void readsEveryOptionInBothSpellings() {
            CommandLineOptions options = CommandLineOptions.parse("--host=127.0.0.51", "--device", "d1",
                    "--device=d2:" + KEY, "--ca-out", "ca.pem", "--registry-port=8443");

            assertThat(options.host()).isEqualTo("127.0.0.51");
            assertThat(options.devices()).containsExactly(new DeviceOption("d1", null), new DeviceOption("d2", KEY));
            assertThat(options.caOut()).isEqualTo(Path.of("ca.pem").toAbsolutePath());
            assertThat(options.registryPort()).isEqualTo(8443);
            assertThat(options.registryPortExplicit()).isTrue();
        }

        @Test
        void aDeviceIdMayContainColonsWhenAKeyFollows() {
            assertThat(CommandLineOptions.device("a:b:" + KEY)).isEqualTo(new DeviceOption("a:b", KEY));
        }

        @Test
        void helpNeedsNothingElse() {
            assertThat(CommandLineOptions.parse("--help").help()).isTrue();
            assertThat(CommandLineOptions.parse("-h").help()).isTrue();
        }

        @Test
        void aNonLoopbackHostIsAcceptedOnlyWithTheExplicitFlag() {
            assertThatThrownBy(() -> CommandLineOptions.parse("--host", "10.1.2.3"))
                    .isInstanceOf(UsageException.class).hasMessageContaining("--allow-non-loopback");

            CommandLineOptions options = CommandLineOptions.parse("--host", "10.1.2.3", "--allow-non-loopback");
            assertThat(options.allowNonLoopback()).isTrue();
        }

        @Test
        void neverPrintsKeys() {
            CommandLineOptions options = CommandLineOptions.parse("--device", "d2:" + KEY);

            assertThat(options.toString()).contains("d2").doesNotContain(KEY);
        }
    }

    @Nested
    class BadInput {

        @ParameterizedTest
        @ValueSource(strings = {"--bogus", "positional", "-x"})
        void unknownOptionsAreRejected(String arg) {
            assertThatThrownBy(() -> CommandLineOptions.parse(arg))
                    .isInstanceOf(UsageException.class).hasMessageContaining("unknown option");
        }

        @ParameterizedTest
        @ValueSource(strings = {"--host", "--device", "--ca-out", "--registry-port"})
        void optionsWithoutTheirValueAreRejected(String option) {
            assertThatThrownBy(() -> CommandLineOptions.parse(option)).hasMessageContaining("needs a value");
            assertThatThrownBy(() -> CommandLineOptions.parse(option, "--help")).hasMessageContaining("needs a value");
        }

        @Test
        void malformedDevicesAreRejected() {
            assertThatThrownBy(() -> CommandLineOptions.parse("--device", "bad/id")).hasMessageContaining("device id");
            assertThatThrownBy(() -> CommandLineOptions.parse("--device", "d1:not base64!"))
                    .hasMessageContaining("not valid Base64");
            assertThatThrownBy(() -> CommandLineOptions.parse("--device", "d1:")).hasMessageContaining("Base64");
            assertThatThrownBy(() -> CommandLineOptions.parse("--device", "d1", "--device", "d1"))
                    .hasMessageContaining("twice");
        }

        @ParameterizedTest
        @ValueSource(strings = {"x", "-1", "65536", "443.0", ""})
        void badPortsAreRejected(String port) {
            assertThatThrownBy(() -> CommandLineOptions.parse("--registry-port=" + port))
                    .isInstanceOf(UsageException.class);
        }

        @Test
        void flagsTakeNoValue() {
            assertThatThrownBy(() -> CommandLineOptions.parse("--allow-non-loopback=yes")).hasMessageContaining("no value");
        }
    }

    @Test
    void usageDocumentsEveryOptionWithItsDefault() {
        assertThat(CommandLineOptions.usage()).contains("--host", "default: 127.0.0.1", "--allow-non-loopback",
                "--device ID[:KEY]", "--ca-out", "--registry-port", "default: 443", "--help", "READY", "Examples:");
    }
}
