package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagelab.bench.CReference;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs the benchmark for a few milliseconds: checks what it prints, never how fast it is. */
class BenchCommandTest {
    private static final String[] TINY = {"--seconds", "0.02", "--rounds", "1", "--warmup", "0.01"};

    /** A small machine and a short run: invariant checks are on in tests, after every operation. */
    private static final String[] TINY_FRAMES = {"--memory", "4M", "--churn-steps", "2000", "--contiguous-ops", "500",
        "--warmup", "100"};

    /** A small machine and a few pairs: invariant checks are on in tests, after every map and unmap. */
    private static final String[] TINY_PAGING = {"--machine", "qemu-pc-16M", "--pairs", "64", "--warmup", "8"};

    private static CliRun paging(String... more) {
        return bench("paging", TINY_PAGING, more);
    }

    private static CliRun frames(String allocator, String... more) {
        String[] fixed = new String[2 + TINY_FRAMES.length];
        fixed[0] = "--allocator";
        fixed[1] = allocator;
        System.arraycopy(TINY_FRAMES, 0, fixed, 2, TINY_FRAMES.length);
        return bench("frames", fixed, more);
    }

    static Stream<String> allocators() {
        return FrameAllocatorRegistry.builtIn().names().stream();
    }

    private static CliRun translate(String... more) {
        return bench("translate", TINY, more);
    }

    /** {@code pagelab bench COMMAND}, the {@code fixed} arguments, then {@code more}. */
    private static CliRun bench(String command, String[] fixed, String... more) {
        String[] args = new String[2 + fixed.length + more.length];
        args[0] = "bench";
        args[1] = command;
        System.arraycopy(fixed, 0, args, 2, fixed.length);
        System.arraycopy(more, 0, args, 2 + fixed.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void translate_tinyRun_printsOneLinePerPattern() {
        CliRun run = translate();

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("translations/s", "TLB hits", "walks")
                .containsPattern("(?m)^tlb-hit\\s+\\d+\\.\\d M/s\\s+\\d+\\.\\d - +\\d+\\.\\d M/s\\s+\\d+\\.\\d%\\s+(99|100)\\.\\d\\d%\\s+\\d")
                .containsPattern("(?m)^walk\\s+\\d+\\.\\d M/s\\s+.*\\s0\\.00%\\s+[\\d,]+$");
        assertThat(run.err()).contains("tlb-hit: round 1/1", "walk: round 1/1");
    }

    @Test
    void translate_json_parsesWithPositiveNumbers() throws Exception {
        CliRun run = translate("--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.path("benchmark").asText()).isEqualTo("translate");
        assertThat(root.path("java").path("version").asText()).isNotBlank();
        assertThat(root.path("os").path("arch").asText()).isNotBlank();
        assertThat(root.path("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(root.path("settings").path("rounds").asInt()).isEqualTo(1);
        JsonNode results = root.path("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).path("pattern").asText()).isEqualTo("tlb-hit");
        assertThat(results.get(1).path("pattern").asText()).isEqualTo("walk");
        for (JsonNode r : results) {
            assertThat(r.path("translationsPerSecond").asDouble()).isPositive();
            assertThat(r.path("statistics").path("min").asDouble()).isPositive();
            assertThat(r.path("rounds")).hasSize(1);
            assertThat(r.path("rounds").get(0).path("translations").asLong()).isPositive();
            assertThat(r.path("rounds").get(0).path("seconds").asDouble()).isPositive();
            JsonNode c = r.path("counters");
            assertThat(c.path("accesses").asLong()).isEqualTo(r.path("rounds").get(0).path("translations").asLong());
            assertThat(c.path("faults").asLong()).isZero();
        }
        JsonNode walk = results.get(1).path("counters");
        assertThat(walk.path("walks").asLong()).isEqualTo(walk.path("accesses").asLong());
        assertThat(results.get(0).path("tlbHitRate").asDouble()).isGreaterThan(0.99);
    }

    @Test
    void translate_onePattern_runsOnlyThatOne() {
        CliRun run = translate("--pattern", "walk");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("(?m)^walk ").doesNotContainPattern("(?m)^tlb-hit ");
    }

    @Test
    void translate_unknownPattern_namesTheChoices() {
        CliRun run = CliRun.of("bench", "translate", "--pattern", "miss");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("'miss'", "tlb-hit, walk or all", "Usage: pagelab bench translate");
    }

    @Test
    void translate_badNumbers_areRefusedBeforeRunning() {
        assertThat(CliRun.of("bench", "translate", "--rounds", "0").err()).contains("--rounds", "0", "expected 1 to 100");
        assertThat(CliRun.of("bench", "translate", "--seconds", "-1").err()).contains("--seconds", "-1.0");
        assertThat(CliRun.of("bench", "translate", "--seconds", "soon").err()).contains("--seconds", "soon");
        assertThat(CliRun.of("bench", "translate", "--warmup", "NaN").err()).contains("--warmup", "NaN");
        assertThat(CliRun.of("bench", "translate", "--rounds", "0").status()).isEqualTo(2);
    }

    @Test
    void bench_noSubcommand_printsUsageListingTranslate() {
        CliRun run = CliRun.of("bench");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: pagelab bench [-hV] [COMMAND]", "translate", "frames", "paging",
                "Commands:");
    }

    @ParameterizedTest
    @MethodSource("allocators")
    void frames_everyAllocator_printsEveryPhase(String allocator) {
        CliRun run = frames(allocator);

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("pagelab bench frames: allocator " + allocator + " on a 4 MiB machine",
                        "pool: frames [0x100, 0x400) = 768 frames")
                .containsPattern("(?m)^fill\\s+[\\d,]+\\s+\\d+\\.\\d\\d  allocate\\(\\)$")
                .containsPattern("(?m)^checksum: \\d+ \\(sum of live after the ")
                .containsPattern("simulated RAM written: [\\d,]+ pages");
        boolean canFree = !run.out().contains("cannot free");
        if (canFree) {
            assertThat(run.out()).containsPattern("(?m)^churn\\s+2,000\\s+\\d+\\.\\d\\d  free\\(live\\[r\\]\\) \\+ allocate\\(\\)")
                    .containsPattern("(?m)^contiguous\\s+500\\s+\\d+\\.\\d\\d  allocateRun")
                    .containsPattern("(?m)^contiguous: \\d+\\.\\d\\d% of [\\d,]+ requests failed");
            assertThat(run.err()).contains(allocator + ": churn: 2,000 steps", allocator + ": contiguous: 500 operations");
        } else {
            assertThat(run.out()).containsPattern("(?m)^churn\\s+n/a\\s+n/a  n/a \\(" + allocator + " cannot free\\)$")
                    .contains("(sum of live after the fill; no churn)");
        }
        assertThat(run.err()).contains(allocator + ": warm-up", allocator + ": fill: ");
    }

    @ParameterizedTest
    @MethodSource("allocators")
    void frames_json_parsesWithTheNumbers(String allocator) throws Exception {
        CliRun run = frames(allocator, "--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.path("benchmark").asText()).isEqualTo("frames");
        assertThat(root.path("allocator").asText()).isEqualTo(allocator);
        assertThat(root.path("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(root.path("java").path("version").asText()).isNotBlank();
        assertThat(root.path("settings").path("memoryBytes").asLong()).isEqualTo(4L << 20);
        assertThat(root.path("settings").path("churnSteps").asLong()).isEqualTo(2_000);
        assertThat(root.path("settings").path("seed").asLong()).isEqualTo(42);
        JsonNode machine = root.path("machine");
        assertThat(machine.path("poolFrames").asLong()).isEqualTo(768);
        assertThat(machine.path("freeFramesAtStart").asLong()).isEqualTo(768 - machine.path("metadataFrames").asLong());
        assertThat(root.path("fill").path("allocations").asLong())
                .isEqualTo(machine.path("freeFramesAtStart").asLong() / 2);
        assertThat(root.path("fill").path("nsPerAllocation").asDouble()).isPositive();
        assertThat(root.path("checksum").asLong()).isPositive();
        assertThat(root.path("checksOn").asBoolean()).isTrue();
        assertThat(root.path("touchedPages").path("atEnd").asLong()).isNotNegative();
        if (root.path("canFree").asBoolean()) {
            assertThat(root.path("churn").path("steps").asLong()).isEqualTo(2_000);
            assertThat(root.path("churn").path("nsPerStep").asDouble()).isPositive();
            JsonNode contiguous = root.path("contiguous");
            assertThat(contiguous.path("operations").asLong()).isEqualTo(500);
            assertThat(contiguous.path("nsPerOperation").asDouble()).isPositive();
            assertThat(contiguous.path("failureShare").asDouble()).isBetween(0.0, 1.0);
            assertThat(contiguous.path("requests").asLong() + contiguous.path("frees").asLong()).isEqualTo(500);
        } else {
            assertThat(root.path("churn").isNull()).isTrue();
            assertThat(root.path("contiguous").isNull()).isTrue();
        }
        assertThat(root.has("cReference")).isFalse();
    }

    @Test
    void frames_sameRunTwice_sameChecksum() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        String allocator = FrameAllocatorRegistry.builtIn().names().get(0);

        JsonNode a = mapper.readTree(frames(allocator, "--json").out());
        JsonNode b = mapper.readTree(frames(allocator, "--json").out());

        assertThat(a.path("checksum").asLong()).isEqualTo(b.path("checksum").asLong()).isPositive();
        assertThat(a.path("contiguous").path("checksum")).isEqualTo(b.path("contiguous").path("checksum"));
    }

    @Test
    void frames_compareC_printsBothAndTheSameChecksum() throws Exception {
        assumeTrue(CReference.findCompiler().isPresent(), "no C compiler on the PATH");

        CliRun run = frames("bitmap", "--compare-c");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("(?m)^fill \\(C\\)\\s+[\\d,]+\\s+\\d+\\.\\d\\d")
                .containsPattern("(?m)^churn \\(C\\)\\s+2,000\\s+\\d+\\.\\d\\d")
                .contains("the same as Java's", "churn step, Java / C: ");
        JsonNode root = new ObjectMapper().readTree(frames("bitmap", "--compare-c", "--json").out());
        assertThat(root.path("cReference").path("checksumMatches").asBoolean()).isTrue();
        assertThat(root.path("cReference").path("checksum").asLong()).isEqualTo(root.path("checksum").asLong());
        assertThat(root.path("cReference").path("churnNsPerStep").asDouble()).isPositive();
    }

    @Test
    void frames_compareCWithAnotherAllocator_refused() {
        CliRun run = CliRun.of("bench", "frames", "--allocator", "buddy", "--compare-c");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--compare-c", "--allocator bitmap");
    }

    @Test
    void frames_badOptions_refusedBeforeRunning() {
        CliRun unknown = CliRun.of("bench", "frames", "--allocator", "slab");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("'slab'", "known: ");
        assertThat(CliRun.of("bench", "frames").err()).contains("--allocator");
        String first = FrameAllocatorRegistry.builtIn().names().get(0);
        assertThat(CliRun.of("bench", "frames", "--allocator", first, "--memory", "1M").err())
                .contains("--memory", "2M to 4G");
        assertThat(CliRun.of("bench", "frames", "--allocator", first, "--memory", "8G").err()).contains("--memory");
        assertThat(CliRun.of("bench", "frames", "--allocator", first, "--churn-steps", "0").err())
                .contains("--churn-steps", "expected 1 to 1,000,000,000");
        assertThat(CliRun.of("bench", "frames", "--allocator", first, "--contiguous-ops", "-1").err())
                .contains("--contiguous-ops");
        assertThat(CliRun.of("bench", "frames", "--allocator", first, "--warmup", "-1").err()).contains("--warmup");
    }

    @Test
    void frames_help_listsTheRegisteredAllocators() {
        CliRun run = CliRun.of("bench", "frames", "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains(List.of("xorshift64*", "--compare-c", "--churn-steps"))
                .contains(FrameAllocatorRegistry.builtIn().names()).doesNotContain("%%");
        assertThat(run.err()).doesNotContain("WARN");
    }

    @Test
    void paging_tinyRun_printsARowPerStrategyVariantAndSize() {
        CliRun run = paging();

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("pagelab bench paging: machine qemu-pc-16M, allocator bitmap",
                "map-unmap: 64 pairs of mapPage", "kmmap-kunmap: 64 / pages pairs", "warm-up: 8 pairs");
        for (String strategy : List.of("temporary-mapping", "recursive", "direct-map")) {
            for (String variant : List.of("table-kept", "table-churn")) {
                String tables = variant.equals("table-churn") ? "1\\.00" : "0\\.00";
                assertThat(run.out()).containsPattern("(?m)^" + strategy + "\\s+" + variant
                        + "\\s+[\\d,]+\\s+\\d+\\.\\d\\s+\\d+\\.\\d(\\s+\\d+\\.\\d\\d){3}\\s+" + tables + "$");
            }
            for (int pages : List.of(1, 2, 4, 8, 16, 32, 64)) {
                assertThat(run.out()).containsPattern("(?m)^" + strategy + "\\s+" + pages + "\\s+" + (64 / pages)
                        + "\\s+[\\d,]+\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\s+\\d+\\.\\d(\\s+\\d+\\.\\d\\d){4}$");
            }
            assertThat(run.err()).contains(strategy + ": warm-up", strategy + ": map-unmap, table-kept: 64 pairs",
                    strategy + ": kmmap-kunmap of 64 pages: 1 pair");
        }
        assertThat(run.out()).contains("WARNING: invariant checks are on");
    }

    @Test
    void paging_json_documentedFieldsWithPositiveRates() throws Exception {
        CliRun run = paging("--json", "--table-access", "recursive", "--allocator", "buddy");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.path("benchmark").asText()).isEqualTo("paging");
        assertThat(root.path("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(root.path("java").path("version").asText()).isNotBlank();
        assertThat(root.path("os").path("cpus").asInt()).isPositive();
        JsonNode settings = root.path("settings");
        assertThat(settings.path("machine").asText()).isEqualTo("qemu-pc-16M");
        assertThat(settings.path("allocator").asText()).isEqualTo("buddy");
        assertThat(settings.path("tableAccess")).hasSize(1);
        assertThat(settings.path("tableAccess").get(0).asText()).isEqualTo("recursive");
        assertThat(settings.path("pairs").asLong()).isEqualTo(64);
        assertThat(settings.path("warmupPairs").asLong()).isEqualTo(8);
        assertThat(settings.path("tlb").path("entries").asInt()).isEqualTo(64);
        assertThat(root.path("workload").path("setPages").asInt()).isEqualTo(4096);
        assertThat(root.path("workload").path("kmmapPages")).hasSize(7);
        JsonNode mapUnmap = root.path("mapUnmap");
        assertThat(mapUnmap).hasSize(2);
        assertThat(mapUnmap.get(0).path("variant").asText()).isEqualTo("table-kept");
        assertThat(mapUnmap.get(1).path("variant").asText()).isEqualTo("table-churn");
        assertThat(mapUnmap.get(1).path("perPair").path("tablesAllocated").asDouble()).isEqualTo(1.0);
        assertThat(mapUnmap.get(0).path("counters").path("tablesAllocated").asLong()).isZero();
        JsonNode kmmap = root.path("kmmap");
        assertThat(kmmap).hasSize(7);
        assertThat(kmmap.get(6).path("pages").asInt()).isEqualTo(64);
        assertThat(kmmap.get(6).path("pairs").asLong()).isEqualTo(1);
        for (JsonNode n : List.of(mapUnmap.get(0), mapUnmap.get(1), kmmap.get(0), kmmap.get(6))) {
            assertThat(n.path("strategy").asText()).isEqualTo("recursive");
            assertThat(n.path("pairsPerSecond").asDouble()).isPositive();
            assertThat(n.path("nsPerPair").asDouble()).isPositive();
            assertThat(n.path("nanos").asLong()).isPositive();
            assertThat(n.path("counters").path("translations").asLong()).isPositive();
            assertThat(n.path("perPair").path("invlpgs").asDouble()).isGreaterThanOrEqualTo(1);
            assertThat(n.path("perPair").path("temporarySlotLoads").asDouble()).isZero();
        }
        assertThat(kmmap.get(6).path("nsPerPage").asDouble()).isPositive();
        assertThat(root.path("checksOn").asBoolean()).isTrue();
    }

    @Test
    void paging_badOptions_oneLineErrorNamingTheValue() {
        assertBadOption(CliRun.of("bench", "paging", "--pairs", "0"), "--pairs", "0", "expected 1 to 100,000,000");
        assertBadOption(CliRun.of("bench", "paging", "--warmup", "-1"), "--warmup", "-1", "expected 0 to 100,000,000");
        assertBadOption(CliRun.of("bench", "paging", "--table-access", "sideways"), "--table-access", "'sideways'",
                "recursive");
        assertBadOption(CliRun.of("bench", "paging", "--allocator", "slab"), "--allocator", "'slab'", "known: ");
        assertBadOption(CliRun.of("bench", "paging", "--allocator", "bump"), "--allocator", "'bump'", "cannot free");
        assertBadOption(CliRun.of("bench", "paging", "--machine", "pdp-11"), "--machine", "'pdp-11'",
                "qemu-pc-128M");
        assertThat(CliRun.of("bench", "paging", "--pairs", "many").err()).contains("--pairs", "many");
    }

    private static void assertBadOption(CliRun run, String... expected) {
        assertThat(run.status()).isEqualTo(2);
        String first = run.err().lines().findFirst().orElse("");
        assertThat(first).contains(expected);
        assertThat(run.err()).contains("Usage: pagelab bench paging");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void paging_help_describesTheWorkload() {
        CliRun run = CliRun.of("bench", "paging", "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("mapPage(page[i], pool[i % 64], R/W)", "table-kept", "table-churn",
                "v = kmmap(pages * 4096); kunmap(v)", "--pairs", "--table-access", "--warmup", "--machine")
                .doesNotContain("%%");
        assertThat(run.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void heap_smallRun_tableWithRatesAndTheHeapAtTheEnd() {
        CliRun run = CliRun.of("bench", "heap", "--machine", "qemu-pc-16M", "--slots", "64", "--steps", "2000",
                "--warmup", "0");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("pagelab bench heap: machine qemu-pc-16M, allocator bitmap, 64 slots")
                .containsPattern("2,000 steps: [0-9,]+ kmalloc, [0-9,]+ kfree, 0 NULL")
                .containsPattern("ns per step, [0-9,]+ kmalloc\\+kfree pairs per second")
                .contains("fragmentation");
        assertThat(run.err()).contains("heap: 2,000 steps");
    }

    @Test
    void heap_json_documentedFields() throws Exception {
        CliRun run = CliRun.of("bench", "heap", "--machine", "qemu-pc-16M", "--slots", "32", "--steps", "500",
                "--warmup", "10", "--json");
        assertThat(run.status()).as(run.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
        assertThat(root.get("benchmark").asText()).isEqualTo("heap");
        assertThat(root.get("pairsPerSecond").asDouble()).isPositive();
        assertThat(root.get("mallocs").asLong() + root.get("frees").asLong()).isEqualTo(500);
        assertThat(root.get("heap").get("fragmentation").asDouble()).isBetween(0.0, 1.0);
        assertThat(root.get("heap").get("framesHeld").asLong()).isPositive();
    }

    @Test
    void heap_badSlots_oneLineNamingTheValue() {
        CliRun run = CliRun.of("bench", "heap", "--slots", "1");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("'--slots': 1");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "translate --seconds 1e9 | '--seconds': 1.0E9 (expected a number of seconds above 0 and at most 60)",
        "translate --warmup 1e9 | '--warmup': 1.0E9 (expected a number of seconds from 0 to 60)",
        "translate --rounds 2147483647 | '--rounds': 2,147,483,647 (expected 1 to 100)",
        "heap --slots 2147483647 | '--slots': 2,147,483,647 (expected 2 to 1,048,576)",
        "heap --steps 1000000000000 | '--steps': 1,000,000,000,000 (expected 1 to 100,000,000)",
        "frames --allocator bitmap --churn-steps 1000000000000 | (expected 1 to 1,000,000,000)",
        "frames --allocator bitmap --contiguous-ops 1000000000 | (expected 0 to 10,000,000)",
        "paging --pairs 1000000000000 | '--pairs': 1,000,000,000,000 (expected 1 to 100,000,000)"})
    void bench_optionThatWouldRunForDays_isRefusedWithItsBounds(String args, String message) {
        CliRun run = CliRun.of(("bench " + args).split(" "));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(message).doesNotContain("OutOfMemoryError");
    }
}
