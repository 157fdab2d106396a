package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    /** The examples, from the cli module's folder where the tests run. */
    static final String STALE_TLB = "../examples/stale-tlb.yaml";
    static final int STALE_TLB_STEPS = 20;

    private static final Pattern STEP_LINE = Pattern.compile("(?m)^ {0,2}\\d+ (ok|FAILED) +\\S");

    static long stepLines(String out) {
        return STEP_LINE.matcher(out).results().count();
    }

    @Test
    void run_example_aLineAStepThenTheReport() {
        CliRun run = CliRun.of("run", STALE_TLB);

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("pagelab run: " + STALE_TLB + "\nThe stale TLB: ")
                .contains("Booted machine qemu-pc-16M", "Steps (on error: stop):")
                .containsPattern("  3 ok     mapPage 0x00400000 frame \\$old writable  =>  mapped 0x00400000 -> frame"
                        + " 0x[0-9A-F]{8} \\(new page table in frame 0x[0-9A-F]{8}\\)  \\|  frames \\+1 page table")
                .contains("| INVLPG 0x00400000 skipped (the lesson switch is on)")
                .containsPattern("12 ok     read 0x00400000  =>  0x600DF00D at paddr 0x[0-9A-F]{8}; TLB hit; STALE: the"
                        + " TLB still says")
                .contains("Final report:", "steps: 20 ok, 0 failed as expected, 0 failed, 0 not run", "MMU: ");
        assertThat(stepLines(run.out())).isEqualTo(STALE_TLB_STEPS);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void run_json_theEventLogAndTheReport() throws IOException {
        CliRun run = CliRun.of("run", STALE_TLB, "--json", "--check");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.at("/scenario/source").asText()).isEqualTo(STALE_TLB);
        assertThat(root.at("/scenario/kernel/tableAccess").asText()).isEqualTo("temporary-mapping");
        assertThat(root.at("/succeeded").asBoolean()).isTrue();
        JsonNode events = root.get("events");
        assertThat(events).hasSize(STALE_TLB_STEPS);
        JsonNode first = events.get(0);
        assertThat(first.get("step").asInt()).isEqualTo(1);
        assertThat(first.get("line").asInt()).isEqualTo(28);
        assertThat(first.get("text").asText()).isEqualTo("allocFrame as old");
        assertThat(first.get("outcome").asText()).isEqualTo("ok");
        assertThat(first.at("/fields/value").asLong()).isEqualTo(first.at("/changes/frames/0/pfn").asLong());
        assertThat(first.at("/changes/frames/0/before").asText()).isEqualTo("free");
        assertThat(first.at("/changes/frames/0/after").asText()).isEqualTo("allocated");
        assertThat(events.get(8).get("trace")).isNotEmpty();
        assertThat(events.get(11).at("/fields/tlb").asText()).isEqualTo("hit");
        assertThat(events.get(12).get("details")).isNotEmpty();
        assertThat(root.at("/report/ok").asInt()).isEqualTo(STALE_TLB_STEPS);
        assertThat(root.at("/report/framesByOwner/page-table").asLong()).isPositive();
        assertThat(root.at("/report/mmu/accesses").asLong()).isPositive();
        assertThat(root.get("boot")).isNotEmpty();
    }

    @Test
    void run_processes_headerTraceAndTheirPagesInTextAndJson() throws IOException {
        CliRun text = CliRun.of("run", "../examples/demand-paging.yaml", "--trace");
        CliRun json = CliRun.of("run", "../examples/demand-paging.yaml", "--json");
        CliRun old = CliRun.of("run", STALE_TLB, "--json");

        assertThat(text.status()).as(text.err()).isZero();
        assertThat(text.out()).contains("\nProcesses: clock (hardware bits: A and D), local scope, equal allocation of 2"
                        + " frames (at least 6 a process when several share them), swap 8 slots, 8 ms a transfer\n")
                .contains("| A bit of page 0x00002000 of process 1 was set: cleared")
                .contains("| page 0x00002000 of process 1 evicted from frame ")
                .contains("(victim of a fault): dirty, written back to swap slot 0")
                .contains("| page 0x00002000 of process 1 loaded into frame ")
                .contains("| process 1 killed: a write to the read-only region code")
                .containsPattern("process 1 pages 0x00002000 0x[0-9A-F]{8} RW USR -> swap slot 0")
                .contains("  processes: clock (hardware bits: A and D)", "    process 1 (a) killed: 8 references");
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.at("/scenario/processes/config/frames").asInt()).isEqualTo(2);
        assertThat(root.at("/scenario/processes/referenceHook").asBoolean()).isFalse();
        assertThat(root.at("/report/processes/processes/0/stats/pageOuts").asInt()).isEqualTo(2);
        JsonNode evicted = root.at("/events/7/changes/processPages/0");
        assertThat(evicted.get("pid").asInt()).isEqualTo(1);
        assertThat(evicted.get("vaddr").asLong()).isEqualTo(0x2000);
        assertThat(evicted.at("/after/slot").asInt()).isZero();
        assertThat(root.at("/events/1/changes").has("processPages")).as("a step that changed no process page").isFalse();
        JsonNode before = new ObjectMapper().readTree(old.out());
        assertThat(before.at("/scenario").has("processes")).isFalse();
        assertThat(before.at("/report").has("processes")).isFalse();
    }

    @Test
    void run_aStepFails_exitOneAndStopsOrGoesOn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                steps:
                  - freeFrame: 0
                  - allocFrame
                  - check
                """);

        CliRun stopped = CliRun.of("run", file.toString());
        CliRun continued = CliRun.of("run", file.toString(), "--on-error", "continue");

        assertThat(stopped.status()).isEqualTo(1);
        assertThat(stopped.out()).contains("  1 FAILED freeFrame 0  =>  misuse: ", "the step at line 2 failed unexpectedly",
                "steps: 0 ok, 0 failed as expected, 1 failed, 2 not run",
                "pagelab run: stopped after step 1 (on-error: stop); 2 steps not run");
        assertThat(stepLines(stopped.out())).isEqualTo(1);
        assertThat(continued.status()).isEqualTo(1);
        assertThat(continued.out()).contains("Steps (on error: continue):", "steps: 2 ok, 0 failed as expected, 1 failed,"
                + " 0 not run");
        assertThat(stepLines(continued.out())).isEqualTo(3);
    }

    @Test
    void run_missedExpectation_exitOneAndSaysWhat() {
        CliRun run = CliRun.of("run", STALE_TLB, "--no-tlb");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("MISSED line 45: expected tlb \"hit\", got \"walk\"");
    }

    @Test
    void run_brokenFile_exitTwoInOneLineBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "steps:\n  - allocFrame\n  - kmallok: 10\n");

        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("pagelab run: " + file + ":3:5: unknown step 'kmallok' (did you mean 'kmalloc'?);"
                + " expected one of: " + String.join(", ", dev.pagelab.scenario.ScenarioReader.STEP_NAMES) + "\n");
    }

    @Test
    void run_missingFileOrBadOption_exitTwo(@TempDir Path dir) {
        CliRun missing = CliRun.of("run", dir.resolve("none.yaml").toString());
        CliRun badPolicy = CliRun.of("run", STALE_TLB, "--on-error", "panic");
        CliRun badStrategy = CliRun.of("run", STALE_TLB, "--table-access", "magic");

        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("none.yaml: cannot be read");
        assertThat(badPolicy.status()).isEqualTo(2);
        assertThat(badPolicy.err()).isEqualTo("pagelab run: on-error: expected stop or continue, got 'panic'\n");
        assertThat(badStrategy.status()).isEqualTo(2);
        assertThat(badStrategy.err()).contains("unknown page-table access strategy 'magic'");
    }

    @Test
    void run_overridesAndTrace_changeTheRun() {
        CliRun run = CliRun.of("run", STALE_TLB, "--machine", "qemu-pc-128M", "--table-access", "recursive",
                "--trace", "--on-error", "continue");

        assertThat(run.out()).contains("Booted machine qemu-pc-128M", "recursive, 4 KiB kernel pages",
                "Steps (on error: continue):")
                .contains("| PTE 1 of PDE 1 (0x00401000) = ")
                .doesNotContain("temporary slot: PTE 1023");
        assertThat(stepLines(run.out())).isEqualTo(STALE_TLB_STEPS);
    }
}
