package dev.pagelab.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.trace.TraceFixtures.Ref;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real lackey log, made here by valgrind tracing {@code /bin/echo}, read against an independent
 * reading of the same log (a regex and {@link Long#parseUnsignedLong}, slow and obvious) and against
 * valgrind's own count of guest instructions. Without valgrind the tests are skipped with a line
 * saying how to install it, unless the environment variable {@code CI} is set (CI installs it).
 */
class RealLackeyLogTest {
    private static final Pattern ACCESS = Pattern.compile("(I | L| S| M) ([0-9a-f]+),([0-9]+)");
    private static final Pattern GUEST_INSTRUCTIONS = Pattern.compile("==\\d+==\\s+guest instrs:\\s+([0-9,]+)");

    @TempDir
    static Path dir;
    private static Path log;

    @BeforeAll
    static void traceEcho() throws IOException, InterruptedException {
        boolean present = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            present |= !d.isBlank() && Files.isExecutable(Path.of(d, "valgrind"));
        }
        String ci = System.getenv("CI");
        boolean required = ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
        if (!present && required) {
            throw new IllegalStateException("valgrind not found on the PATH and CI is set: install it (apt-get install"
                    + " valgrind)");
        }
        Assumptions.assumeTrue(present, "valgrind not found on the PATH: the real lackey log tests are skipped"
                + " (apt-get install valgrind)");
        log = dir.resolve("echo.lackey");
        Process valgrind = new ProcessBuilder("valgrind", "--tool=lackey", "--trace-mem=yes", "--log-file=" + log,
                "/bin/echo", "pagelab").redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
        assertThat(valgrind.waitFor(120, TimeUnit.SECONDS)).as("valgrind finished within 2 minutes").isTrue();
        assertThat(valgrind.exitValue()).as("valgrind's exit status").isZero();
    }

    /** The log read the slow, obvious way: every page of every access, in order. */
    private static List<Ref> naive(List<String> lines, int pageSize, boolean instructions) {
        List<Ref> refs = new ArrayList<>();
        for (String line : lines) {
            Matcher m = ACCESS.matcher(line);
            if (!m.matches()) {
                assertThat(line).as("a line that is no access").matches("==\\d+==.*");
                continue;
            }
            byte kind = switch (m.group(1)) {
                case "I " -> RefKind.FETCH;
                case " L" -> RefKind.READ;
                case " S" -> RefKind.WRITE;
                default -> RefKind.MODIFY;
            };
            if (kind == RefKind.FETCH && !instructions) {
                continue;
            }
            long address = Long.parseUnsignedLong(m.group(2), 16);
            long size = Long.parseLong(m.group(3));
            for (long page = Long.divideUnsigned(address, pageSize);
                    page <= Long.divideUnsigned(address + Math.max(size, 1) - 1, pageSize); page++) {
                refs.add(new Ref(page, kind, 0));
            }
        }
        return refs;
    }

    @Test
    void read_realLog_givesWhatANaiveReadingGivesAndValgrindsInstructionCount() throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        Matcher counted = GUEST_INSTRUCTIONS.matcher(String.join("\n", lines));
        assertThat(counted.find()).as("valgrind's summary has 'guest instrs'").isTrue();
        long guestInstructions = Long.parseLong(counted.group(1).replace(",", ""));

        for (int pageSize : new int[] {4096, 64}) {
            List<Ref> expected = naive(lines, pageSize, true);
            List<Ref> refs;
            try (TraceReader reader = Traces.open(log, TraceOptions.DEFAULTS.withPageSize(pageSize))) {
                assertThat(reader.format()).isEqualTo(TraceFormat.LACKEY);
                refs = TraceFixtures.readAll(reader, 4096);
            }
            assertThat(refs.size()).as("page size %d", pageSize).isEqualTo(expected.size());
            assertThat(refs.equals(expected)).as("page size %d: the same references as the naive reading", pageSize).isTrue();
            long fetchLines = lines.stream().filter(l -> l.startsWith("I  ")).count();
            assertThat(fetchLines).as("one I line a guest instruction").isEqualTo(guestInstructions);
            if (pageSize == 64) {
                // Small pages: some accesses straddle, so there are more references than access lines.
                long accessLines = lines.stream().filter(l -> ACCESS.matcher(l).matches()).count();
                assertThat((long) refs.size()).isGreaterThan(accessLines);
            }
        }
    }

    @Test
    void replay_realLogGzipped_lruAndFifoCountWhatAPlainListModelCounts() throws IOException {
        Path gz = dir.resolve("echo-replay.lackey.gz");
        Files.write(gz, TraceFixtures.gzip(Files.readAllBytes(log)));
        List<Ref> refs = naive(Files.readAllLines(log, StandardCharsets.ISO_8859_1), 4096, true);
        for (int frames : new int[] {4, 16, 64}) {
            dev.pagelab.replay.ReplayResult result;
            try (TraceReader reader = new PrefetchingTraceReader(Traces.open(gz, TraceOptions.DEFAULTS))) {
                result = dev.pagelab.replay.Replay.run(List.of(reader), List.of("lru", "fifo"),
                        dev.pagelab.replay.ReplayConfig.of(frames, dev.pagelab.replay.Scope.LOCAL),
                        dev.pagelab.replace.PolicyRegistry.builtIn(), null);
            }
            for (String policy : List.of("lru", "fifo")) {
                // The model: a list of resident pages, most recent (lru) or newest (fifo) first, and a
                // set of dirty ones; a write dirties, an eviction of a dirty page is a write-back.
                java.util.LinkedList<Long> resident = new java.util.LinkedList<>();
                java.util.Set<Long> dirty = new java.util.HashSet<>();
                long faults = 0;
                long writebacks = 0;
                for (Ref ref : refs) {
                    boolean write = RefKind.isWrite(ref.kind());
                    if (resident.contains(ref.page())) {
                        if (policy.equals("lru")) {
                            resident.remove(ref.page());
                            resident.addFirst(ref.page());
                        }
                    } else {
                        faults++;
                        if (resident.size() == frames) {
                            long victim = resident.removeLast();
                            if (dirty.remove(victim)) {
                                writebacks++;
                            }
                        }
                        resident.addFirst(ref.page());
                    }
                    if (write) {
                        dirty.add(ref.page());
                    }
                }
                var counted = result.policy(policy);
                assertThat(counted.references()).isEqualTo(refs.size());
                assertThat(new long[] {counted.faults(), counted.writebacks()})
                        .as("%s with %d frames: faults and write-backs", policy, frames)
                        .containsExactly(faults, writebacks);
            }
        }
    }

    @Test
    void stats_realLogGzipped_countsKindsSensiblyAndDropsFetchesWhenAsked() throws IOException {
        Path gz = dir.resolve("echo.lackey.gz");
        Files.write(gz, TraceFixtures.gzip(Files.readAllBytes(log)));
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);

        TraceStats all;
        try (TraceReader reader = Traces.open(gz, TraceOptions.DEFAULTS)) {
            assertThat(reader.compression()).isEqualTo(Compression.GZIP);
            all = TraceStats.of(reader);
        }
        TraceStats data;
        try (TraceReader reader = Traces.open(gz, TraceOptions.DEFAULTS.withInstructions(false))) {
            data = TraceStats.of(reader);
        }

        assertThat(all.references()).isEqualTo(naive(lines, 4096, true).size());
        assertThat(all.references(RefKind.FETCH)).isGreaterThan(all.references(RefKind.READ))
                .isGreaterThan(all.references(RefKind.WRITE)).isGreaterThan(all.references(RefKind.MODIFY));
        assertThat(all.references(RefKind.MODIFY)).isPositive();
        assertThat(all.writes()).isEqualTo(all.references(RefKind.WRITE) + all.references(RefKind.MODIFY));
        // A small program touches tens to a few hundred 4 KiB pages: the loader, libc, the stack.
        assertThat(all.distinctPages()).isBetween(20L, 2000L);
        assertThat(data.references(RefKind.FETCH)).isZero();
        assertThat(data.references()).isEqualTo(all.references() - all.references(RefKind.FETCH));
        assertThat(data.distinctPages()).isLessThan(all.distinctPages());
    }
}
