package io.github.iothubkit.fakehub.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The README's quick start is the compiled, passing {@link ExampleQuickStartTest}, character for character. */
class ReadmeSectionTest {

    private static final Path EXAMPLE = Path.of("src/test/java/io/github/iothubkit/fakehub/junit5/ExampleQuickStartTest.java");
    private static final Path SECTION = Path.of("../README.md");

    static String region(String source, String name) {
        String start = "// " + name + " {\n";
        int from = source.indexOf(start);
        int to = source.indexOf("\n// }", from);
        assertThat(from).as("region marker '%s' in the example", start.strip()).isNotNegative();
        assertThat(to).as("end marker '// }' after '%s'", start.strip()).isPositive();
        return source.substring(from + start.length(), to + 1);
    }

    @Test
    void theReadmeSectionContainsExactlyTheQuickStartRegion() throws IOException {
        String example = Files.readString(EXAMPLE).replace("\r\n", "\n");
        String readme = Files.readString(SECTION).replace("\r\n", "\n");
        String code = region(example, "quickStart");
        assertThat(readme).as("README.md must contain the quickStart region of %s verbatim, in a java block", EXAMPLE)
                .contains("```java\n" + code + "```\n");
    }
}
