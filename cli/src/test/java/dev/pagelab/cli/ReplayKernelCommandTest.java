package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pagelab replay --kernel}: the fast replay's report, then the kernel's. */
class ReplayKernelCommandTest {
    @TempDir
    Path dir;

    /** A vmsim trace of {@code refs} references over {@code pages} pages, a hot set and writes, from {@code seed}. */
    private Path trace(String name, long seed, int refs, int pages) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int hot = Math.max(1, pages / 4);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < refs; i++) {
            int page = random.nextInt(4) == 0 ? random.nextInt(pages) : random.nextInt(hot);
            text.append(String.format("0x%x %s%n", 0x7f00_0000_0000L + ((long) page << 12),
                    random.nextInt(3) == 0 ? "W" : "R"));
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** The table without its timing line (which differs from run to run). */
    private static String replayTable(String out) {
        int end = out.indexOf("\nkernel path:");
        String table = end < 0 ? out : out.substring(0, end);
        return table.replaceAll("(?m)^[\\d,]+ references x .*$", "TIMING");
    }

    @Test
    void kernel_fourExactPoliciesTwoProcesses_sameTableCsvAndJsonAsFastReplay() throws IOException {
        Path a = trace("a.vmsim", 1, 3000, 40);
        Path b = trace("b.vmsim", 2, 2000, 70);
        for (String scope : List.of("local", "global")) {
            String[] args = {"replay", a.toString(), b.toString(), "--frames", "30", "--policy", "fifo,lru,opt,clock",
                "--quantum", "50", "--scope", scope};
            CliRun fast = CliRun.of(args);
            CliRun kernel = CliRun.of(concat(args, "--kernel"));
            assertThat(kernel.status()).as(kernel.err()).isZero();
            assertThat(replayTable(kernel.out())).as(scope).isEqualTo(replayTable(fast.out()));

            List<String> fastCsv = CliRun.of(concat(args, "--csv")).out().lines().toList();
            List<String> kernelCsv = CliRun.of(concat(args, "--csv", "--kernel")).out().lines().toList();
            assertThat(kernelCsv).hasSameSizeAs(fastCsv);
            for (int i = 0; i < fastCsv.size(); i++) {
                assertThat(kernelCsv.get(i)).as("CSV row %d under %s scope", i, scope).startsWith(fastCsv.get(i) + ",");
            }

            JsonNode fastJson = new ObjectMapper().readTree(CliRun.of(concat(args, "--json")).out());
            JsonNode kernelJson = new ObjectMapper().readTree(CliRun.of(concat(args, "--json", "--kernel")).out());
            for (int i = 0; i < 4; i++) {
                JsonNode policy = kernelJson.get("policies").get(i);
                assertThat(policy.get("kernel").get("references").get("tlbHits").asLong()).isPositive();
                for (JsonNode process : policy.get("processes")) {
                    ((ObjectNode) process).remove("kernel");
                }
                ((ObjectNode) policy).remove("kernel");
                assertThat(policy).as("policy %d under %s scope", i, scope).isEqualTo(fastJson.get("policies").get(i));
            }
            assertThat(kernelJson.get("kernel").get("machine").asText()).isEqualTo("qemu-pc-16M");
        }
    }

    private static String[] concat(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void kernel_table_setupMappingEatAndTheHookLineForLruOnly() throws IOException {
        Path a = trace("a.vmsim", 3, 2000, 50);
        CliRun run = CliRun.of("replay", a.toString(), "--frames", "20", "--policy", "lru,clock", "--kernel",
                "--io-cost", "1ms", "--memory-access", "100ns");
        assertThat(run.status()).as(run.err()).isZero();
        String out = run.out();
        assertThat(out).contains("kernel path: machine qemu-pc-16M", "kernel half global (G=1, CR4.PGE)",
                KernelReplayReport.PAGE_MAPPING, "1.00 ms a transfer", "ma = 100 ns");
        String lru = out.substring(out.indexOf("kernel: policy lru"), out.indexOf("kernel: policy clock"));
        String clock = out.substring(out.indexOf("kernel: policy clock"));
        assertThat(lru).contains(KernelReplayReport.NOT_IMPLEMENTABLE);
        assertThat(clock).doesNotContain(KernelReplayReport.NOT_IMPLEMENTABLE);
        for (String block : List.of(lru, clock)) {
            assertThat(block).containsPattern("references +TLB [\\d,]+ hits").contains("fault handler", "INVLPGs",
                    "CR3 loads", "page-ins", "page-outs", "writes avoided", "EAT", "(1 - p) * ma + p * s");
        }
    }

    @Test
    void kernel_eat_isTheTextbookFormulaOfTheRunsCounts() throws IOException {
        Path a = trace("a.vmsim", 4, 4000, 200);
        CliRun run = CliRun.of("replay", a.toString(), "--frames", "16", "--policy", "fifo", "--kernel", "--json",
                "--io-cost", "2ms", "--memory-access", "200ns");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode policy = new ObjectMapper().readTree(run.out()).get("policies").get(0);
        JsonNode k = policy.get("kernel");
        long faults = policy.get("total").get("faults").asLong();
        long refs = policy.get("total").get("references").asLong();
        long transfers = k.get("pageIns").asLong() + k.get("pageOuts").asLong();
        assertThat(transfers).as("the run swapped").isPositive();
        assertThat(k.get("swapNanos").asLong()).isEqualTo(transfers * 2_000_000);
        double p = (double) faults / refs;
        double s = 200 + (double) k.get("swapNanos").asLong() / faults;
        assertThat(k.get("effectiveAccessNanos").asDouble()).isCloseTo((1 - p) * 200 + p * s,
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(k.get("pageOuts").asLong()).isEqualTo(policy.get("total").get("writebacks").asLong());
    }

    @Test
    void kernel_noGlobalPages_moreHandlerTlbMissesSameFaults() throws IOException {
        Path a = trace("a.vmsim", 5, 4000, 60);
        Path b = trace("b.vmsim", 6, 4000, 60);
        String[] args = {"replay", a.toString(), b.toString(), "--frames", "24", "--policy", "clock", "--quantum", "20",
            "--kernel", "--json"};
        JsonNode global = new ObjectMapper().readTree(CliRun.of(args).out()).get("policies").get(0);
        JsonNode local = new ObjectMapper().readTree(CliRun.of(concat(args, "--no-global-pages")).out())
                .get("policies").get(0);
        assertThat(local.get("total")).isEqualTo(global.get("total"));
        long withG = global.get("kernel").get("faultHandler").get("tlbMisses").asLong();
        long withoutG = local.get("kernel").get("faultHandler").get("tlbMisses").asLong();
        assertThat(withoutG).as("the kernel's windows miss after every CR3 load without G").isGreaterThan(withG);
    }

    @Test
    void kernel_noInvlpg_clockFaultsMoreAndTheReportSaysWhy() throws IOException {
        Path a = trace("a.vmsim", 7, 20000, 40);
        String[] args = {"replay", a.toString(), "--frames", "24", "--policy", "clock", "--kernel"};
        CliRun with = CliRun.of(args);
        CliRun without = CliRun.of(concat(args, "--no-invlpg"));
        assertThat(without.status()).as(without.err()).isZero();
        assertThat(without.out()).contains("--no-invlpg: A is cleared without INVLPG");
        assertThat(faults(without.out(), "clock")).as("Clock takes hot pages for idle ones")
                .isGreaterThan(faults(with.out(), "clock"));
    }

    private static long faults(String table, String policy) {
        Matcher m = Pattern.compile("(?m)^  " + policy + " +([\\d,]+) ").matcher(table);
        assertThat(m.find()).as(table).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void kernel_badInput_oneLineExit2() throws IOException {
        Path a = trace("a.vmsim", 8, 100, 10);
        CliRun small = CliRun.of("replay", a.toString(), "--frames", "4000", "--policy", "lru", "--kernel",
                "--machine", "qemu-pc-16M");
        assertThat(small.status()).isEqualTo(2);
        assertThat(small.err()).contains("machine qemu-pc-16M has 3,486 free frames after boot", "4,000 frames for the"
                + " processes", "choose a larger machine or fewer frames").doesNotContain("at dev.pagelab");
        assertThat(small.err().lines()).hasSize(1);

        CliRun none = CliRun.of("replay", a.toString(), "--frames", "900000", "--policy", "lru", "--kernel");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("no built-in machine has 900,");

        CliRun unknown = CliRun.of("replay", a.toString(), "--frames", "8", "--policy", "lru", "--kernel",
                "--machine", "pdp-11");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown machine 'pdp-11'", "qemu-pc-16M");

        CliRun withoutKernel = CliRun.of("replay", a.toString(), "--frames", "8", "--policy", "lru", "--swap-slots",
                "4", "--no-invlpg");
        assertThat(withoutKernel.status()).isEqualTo(2);
        assertThat(withoutKernel.err()).startsWith("--swap-slots, --no-invlpg are options of the kernel path: add"
                + " --kernel");

        assertThat(CliRun.of("replay", a.toString(), "--frames", "8", "--policy", "lru", "--kernel", "--io-cost", "8")
                .err()).contains("'8' is not a duration");
        assertThat(CliRun.of("replay", a.toString(), "--frames", "8", "--policy", "lru", "--kernel", "--swap-slots",
                "-1").err()).contains("--swap-slots: expected 0 to 1048576");
    }

    @Test
    void kernel_swapFull_oneLineExit2NamingTheKill() throws IOException {
        Path a = trace("a.vmsim", 9, 3000, 100);
        CliRun run = CliRun.of("replay", a.toString(), "--frames", "8", "--policy", "fifo", "--kernel",
                "--swap-slots", "2");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("was killed at reference", "swap device is full (2 slots)");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void kernel_help_documentsThePathAndItsMemory() {
        CliRun run = CliRun.of("replay", "--help");
        assertThat(run.out()).contains("Kernel path (--kernel):", "0x1000 + n * 4096", "--machine auto",
                "4 bytes a reference", "EAT = (1 - p) * ma + p * s", "--no-invlpg", "--no-global-pages");
    }
}
