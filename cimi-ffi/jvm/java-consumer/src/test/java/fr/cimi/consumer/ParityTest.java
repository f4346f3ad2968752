package fr.cimi.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parity scenario ({@link Parity}) prints the golden lines, the same as
 * Python's {@code cimi-py/tests/test_parity.py}.
 */
class ParityTest {
    /** Surefire runs in the module's directory, cimi-ffi/jvm/java-consumer. */
    private static final Path GOLDEN = Path.of(System.getProperty("user.dir"))
            .resolve("../../../tests/golden/parity/scenario.txt").normalize();

    @Test
    void theScenarioGivesTheGoldenLines() throws Exception {
        String golden = Files.readString(GOLDEN, StandardCharsets.UTF_8);
        String got = String.join("\n", Parity.scenario()) + "\n";
        // Line by line first (a readable failure), then byte for byte.
        assertEquals(List.of(golden.split("\n", -1)), List.of(got.split("\n", -1)));
        assertEquals(golden, got);
    }
}
