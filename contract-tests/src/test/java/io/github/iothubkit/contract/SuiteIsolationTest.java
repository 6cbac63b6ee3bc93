package io.github.iothubkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The suite's promise rests on one rule: tests reach the hub only through public surfaces, so that what
 * passes against the fake can pass against Azure. Only {@code FakeHubUnderTest} may use the fake's API.
 */
class SuiteIsolationTest {

    private static final Path SOURCES = Path.of("src/test/java");
    private static final String ALLOWED = "FakeHubUnderTest.java";

    @Test
    void onlyFakeHubUnderTestUsesTheFakeHubsApi() throws IOException {
        assertThat(SOURCES).as("run from the contract-tests module directory").isDirectory();
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals(ALLOWED))
                    .filter(SuiteIsolationTest::mentionsTheFake)
                    .toList();
        }
        assertThat(offenders).as("test sources that use io.github.iothubkit.fakehub").isEmpty();
    }

    private static boolean mentionsTheFake(Path file) {
        try {
            return Files.readString(file).contains("io.github.iothubkit." + "fakehub.");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
