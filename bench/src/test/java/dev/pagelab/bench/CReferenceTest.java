package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.pmm.FrameRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CReferenceTest {
    private static final long MEDIUM = 16L << 20;

    @Test
    void source_isOnTheClassPath() {
        assertThat(CReference.source()).contains("__builtin_ctzll", "0x2545F4914F6CDD1DULL", "int main");
    }

    @Test
    void parse_rowsOfTheProgram_readBack() {
        String output = """
                bitmap_churn (C): machine of 16,777,216 bytes, pool frames [0x100, 0x1000), bitmap 1 frame, 3,839 free at start

                phase        operations    ns/op  one operation
                fill              1,919     6.87  allocate()
                churn         1,000,000     4.78  free(live[r]) + allocate(), r = next() % 1,919

                checksum: 3497063 (sum of live after the churn)
                """;

        CReference.Result r = CReference.parse("gcc -O2", output);

        assertThat(r.freeFramesAtStart()).isEqualTo(3_839);
        assertThat(r.fillAllocations()).isEqualTo(1_919);
        assertThat(r.fillNsPerAllocation()).isEqualTo(6.87);
        assertThat(r.churnSteps()).isEqualTo(1_000_000);
        assertThat(r.churnNsPerStep()).isEqualTo(4.78);
        assertThat(r.checksum()).isEqualTo(3_497_063);
    }

    @Test
    void parse_missingRow_namesIt() {
        assertThatThrownBy(() -> CReference.parse("gcc", "fill 1 2.0 x\n")).hasMessageContaining("'churn'");
    }

    /** The C program against the next-fit model of the definition, and against the Java bitmap when it exists. */
    @Test
    void run_smallMachine_checksumOfTheModelAndOfTheJavaBitmap() throws Exception {
        Optional<Path> compiler = CReference.findCompiler();
        assumeTrue(compiler.isPresent(), "no C compiler on the PATH");

        CReference.Result c = CReference.run(compiler.get(), MEDIUM, 100_000, line -> { });

        long[] model = FramesWorkloadTest.nextFitModel(256, 4096, List.of(new FrameRange(256, 257)), 100_000);
        long sum = 0;
        for (long pfn : model) {
            sum += pfn;
        }
        assertThat(c.freeFramesAtStart()).isEqualTo(4096 - 256 - 1);
        assertThat(c.fillAllocations()).isEqualTo(model.length);
        assertThat(c.churnSteps()).isEqualTo(100_000);
        assertThat(c.checksum()).isEqualTo(sum);
        assertThat(c.compiler()).contains("-O2");
        if (NaiveFrameAllocator.REGISTRY.names().contains("bitmap")) {
            FramesWorkload java = new FramesWorkload(NaiveFrameAllocator.REGISTRY, "bitmap", MEDIUM);
            java.fill();
            java.churn(100_000);
            assertThat(java.checksum()).isEqualTo(c.checksum());
        }
    }
}
