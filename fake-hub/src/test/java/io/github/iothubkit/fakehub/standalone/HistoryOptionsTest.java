package io.github.iothubkit.fakehub.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubkit.fakehub.internal.Retention;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --history-limit} and {@code --history-max-age}: the standalone hub's history retention. */
class HistoryOptionsTest {

    @Test
    void defaultsToTheHubsDefaultRetention() {
        assertThat(CommandLineOptions.parse().retention()).isEqualTo(Retention.DEFAULT);
    }

    @Test
    void takesACountAndAnAgeInEitherForm() {
        CommandLineOptions o = CommandLineOptions.parse("--history-limit", "500", "--history-max-age=15m");
        assertThat(o.retention()).isEqualTo(new Retention(500, Duration.ofMinutes(15)));
        assertThat(CommandLineOptions.parse("--history-limit=1_000_000", "--history-max-age", "PT1H").retention())
                .isEqualTo(new Retention(1_000_000, Duration.ofHours(1)));
        assertThat(CommandLineOptions.parse("--history-max-age", "90s").retention().maxAge()).hasSeconds(90);
        assertThat(CommandLineOptions.parse("--history-max-age", "2D").retention().maxAge()).isEqualTo(Duration.ofDays(2));
        assertThat(CommandLineOptions.parse("--history-limit", "0").retention().maxCount()).isZero();
    }

    @Test
    void refusesValuesThatAreNotACountOrAPositiveDuration() {
        assertThatThrownBy(() -> CommandLineOptions.parse("--history-limit", "-1"))
                .isInstanceOf(CommandLineOptions.UsageException.class).hasMessageContaining("0 or more");
        assertThatThrownBy(() -> CommandLineOptions.parse("--history-limit", "lots"))
                .isInstanceOf(CommandLineOptions.UsageException.class).hasMessageContaining("'lots'");
        for (String bad : new String[] {"0s", "-5m", "10", "5w", "PT-1H", "soon"}) {
            assertThatThrownBy(() -> CommandLineOptions.parse("--history-max-age", bad)).as(bad)
                    .isInstanceOf(CommandLineOptions.UsageException.class).hasMessageContaining("positive duration");
        }
        assertThatThrownBy(() -> CommandLineOptions.parse("--history-limit"))
                .isInstanceOf(CommandLineOptions.UsageException.class).hasMessageContaining("needs a value");
    }

    @Test
    void usageDocumentsBothWithTheirDefaults() {
        assertThat(CommandLineOptions.usage()).contains("--history-limit N", "default: 100000",
                "--history-max-age AGE", "default: no age limit");
    }
}
