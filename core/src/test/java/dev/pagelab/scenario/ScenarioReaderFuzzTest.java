package dev.pagelab.scenario;

import static dev.pagelab.testing.ReaderContract.resultOrDocumentedError;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pagelab.testing.ReaderContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A coverage-guided fuzz target (Jazzer) for scenario files: the input is the file's bytes, read
 * as {@code pagelab run} reads them, with an {@code e820:} file beside it. The contract: a
 * {@link Scenario}, or a {@link ScenarioException} naming the file (see
 * {@link dev.pagelab.testing.ReaderContract}). The corpus in
 * {@code src/test/resources/dev/pagelab/scenario/ScenarioReaderFuzzTestInputs/scenarioYaml/} holds
 * the examples and every input that once crashed the reader; {@code mvn verify} replays it.
 */
@Timeout(10) // per input; under JAZZER_FUZZ Jazzer hands it to libFuzzer as -timeout (README, "Fuzzing")
class ScenarioReaderFuzzTest {
    private static final Path SCRATCH = ReaderContract.scratchDirectory("scenario");
    private static final Path E820 = ReaderContract.write(SCRATCH.resolve("e820.txt"),
            "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n BIOS-e820: [mem 0x0000000000100000-0x0000000000ffffff] usable\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    @FuzzTest
    void scenarioYaml(byte[] input) {
        accepts(input);
    }

    private static boolean accepts(byte[] input) {
        Path file = ReaderContract.write(SCRATCH.resolve("scenario.yaml"), input);
        return resultOrDocumentedError(file.toString(), ScenarioException.class, () -> ScenarioReader.read(file)) != null;
    }

    /** The examples and the other valid files of the corpus are accepted (Jazzer's findings aside). */
    @Test
    void corpus_validFiles_areAccepted() throws IOException {
        List<Path> valid = ReaderContract.validCorpusFiles(ScenarioReaderFuzzTest.class, "scenarioYaml");
        assertThat(valid).hasSizeGreaterThanOrEqualTo(4);
        for (Path file : valid) {
            Path copy = ReaderContract.write(SCRATCH.resolve("scenario.yaml"), Files.readAllBytes(file));
            assertThat(ScenarioReader.read(copy)).as(file.toString()).isNotNull();
        }
    }
}
