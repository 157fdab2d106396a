package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@code pagelab bench replay --kernel}: the kernel path's rates, on tiny inputs. */
class BenchReplayKernelTest {
    @Test
    void benchReplayKernel_tinySynthetic_tableOfBothWorkloads() {
        CliRun run = CliRun.of("bench", "replay", "--kernel", "--references", "20000", "--pages", "64",
                "--processes", "1,2", "--rounds", "1");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("pagelab bench replay --kernel: clock, synthetic, 64 pages a process",
                "fault rate", "TLB hits", "in handler", "best M/s");
        assertThat(run.out()).containsPattern("(?m)^ +1  low fault +64  qemu-pc-16M +20,000 ")
                .containsPattern("(?m)^ +2  high fault +16  qemu-pc-16M +20,000 ");
    }

    @Test
    void benchReplayKernel_json_oneCaseAWorkloadAndCount() throws IOException {
        CliRun run = CliRun.of("bench", "replay", "--kernel", "--references", "10000", "--pages", "32",
                "--processes", "1", "--rounds", "1", "--policy", "fifo", "--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("policy").asText()).isEqualTo("fifo");
        JsonNode cases = root.get("cases");
        assertThat(cases).hasSize(2);
        assertThat(cases.get(0).get("workload").asText()).isEqualTo("low fault");
        assertThat(cases.get(0).get("faults").asLong()).isLessThanOrEqualTo(32);
        assertThat(cases.get(1).get("faults").asLong()).isGreaterThan(32);
    }

    @Test
    void benchReplayKernel_badOptions_exit2() {
        assertThat(CliRun.of("bench", "replay", "--processes", "8").err()).contains("--processes is an option of"
                + " --kernel");
        CliRun frames = CliRun.of("bench", "replay", "--kernel", "--frames", "64");
        assertThat(frames.status()).isEqualTo(2);
        assertThat(frames.err()).contains("--frames: with --kernel and no trace files the workloads set the frames");
        assertThat(CliRun.of("bench", "replay", "--kernel", "--policy", "lru,fifo").err())
                .contains("--kernel measures one policy, got 2");
        assertThat(CliRun.of("bench", "replay", "--kernel", "--pages", "4").err()).contains("pages 4 must be at least 8");
    }
}
