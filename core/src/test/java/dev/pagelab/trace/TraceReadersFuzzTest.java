package dev.pagelab.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.testing.ReaderContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz targets (Jazzer) for the trace readers: each format forced ({@code lackey},
 * {@code plain}, {@code vmsim}, {@code oracleGeneral}), detection with gzip and zstd by magic bytes
 * ({@code detected}), and the replay engine fed by a detected trace ({@code replayed}). The
 * contract: the reader hands out references until the end, or throws a
 * {@link TraceFormatException} that names the file; nothing else, in bounded time and memory (a
 * reader holds one buffer whatever the input).
 *
 * <p>Without {@code JAZZER_FUZZ} each target replays its corpus in
 * {@code src/test/resources/dev/pagelab/trace/TraceReadersFuzzTestInputs/<target>/} (README,
 * "Property tests and fuzzing").
 */
@Timeout(10)
class TraceReadersFuzzTest {
    private static final String NAME = "fuzz.trace";

    /** Reads all of {@code input} as {@code format} (null: detect); whether it was accepted. */
    static boolean reads(byte[] input, TraceFormat format) {
        TraceOptions options = TraceOptions.DEFAULTS.withFormat(format);
        try (TraceReader reader = Traces.open(NAME, new ByteArrayInputStream(input), options)) {
            TraceBlock block = new TraceBlock(1_000);
            long references = 0;
            while (reader.read(block) > 0) {
                assertThat(block.size).isBetween(1, block.capacity());
                for (int i = 0; i < block.size; i++) {
                    assertThat(block.kinds[i]).isBetween((byte) 0, (byte) (RefKind.COUNT - 1));
                }
                references += block.size;
            }
            assertThat(reader.read(block)).as("0 from the end on").isZero();
            return true;
        } catch (TraceFormatException e) {
            assertThat(e.getMessage()).as("a format error names the file").contains(NAME);
            return false;
        } catch (IOException e) {
            throw new AssertionError("an IOException that is not a TraceFormatException from memory: " + e, e);
        }
    }

    @FuzzTest
    void lackey(byte[] input) {
        reads(input, TraceFormat.LACKEY);
    }

    @FuzzTest
    void plain(byte[] input) {
        reads(input, TraceFormat.PLAIN);
    }

    @FuzzTest
    void vmsim(byte[] input) {
        reads(input, TraceFormat.VMSIM);
    }

    @FuzzTest
    void oracleGeneral(byte[] input) {
        reads(input, TraceFormat.ORACLE_GENERAL);
    }

    @FuzzTest
    void detected(byte[] input) {
        reads(input, null);
    }

    /** The engine over a detected trace: faults within references, frames within the machine. */
    static boolean replays(byte[] input) {
        try (TraceReader reader = Traces.open(NAME, new ByteArrayInputStream(input), TraceOptions.DEFAULTS)) {
            var result = Replay.run(List.of(reader), List.of("lru", "clock"), ReplayConfig.of(4, Scope.LOCAL)
                    .withMinimumFrames(1), PolicyRegistry.builtIn(), null);
            for (var policy : result.policies()) {
                assertThat(policy.faults()).isBetween(0L, policy.references());
                assertThat(policy.framesHeld()).isBetween(0, 4 * Math.max(1, policy.processes().size()));
            }
            return true;
        } catch (TraceFormatException e) {
            assertThat(e.getMessage()).contains(NAME);
            return false;
        } catch (IOException e) {
            throw new AssertionError("an IOException that is not a TraceFormatException from memory: " + e, e);
        }
    }

    @FuzzTest
    void replayed(byte[] input) {
        replays(input);
    }

    @Test
    void corpus_validFiles_areAccepted() throws IOException {
        Map<String, Predicate<byte[]>> targets = Map.of(
                "lackey", in -> reads(in, TraceFormat.LACKEY),
                "plain", in -> reads(in, TraceFormat.PLAIN),
                "vmsim", in -> reads(in, TraceFormat.VMSIM),
                "oracleGeneral", in -> reads(in, TraceFormat.ORACLE_GENERAL),
                "detected", in -> reads(in, null));
        for (Map.Entry<String, Predicate<byte[]>> target : targets.entrySet()) {
            List<Path> valid = ReaderContract.validCorpusFiles(TraceReadersFuzzTest.class, target.getKey());
            assertThat(valid).as(target.getKey()).isNotEmpty();
            for (Path file : valid) {
                assertThat(target.getValue().test(Files.readAllBytes(file))).as("%s accepts %s", target.getKey(), file)
                        .isTrue();
            }
        }
    }
}
