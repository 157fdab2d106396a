package dev.pagelab.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.trace.TraceFixtures.Ref;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader reads back what a writer writes: seeded random traces in each writable format and
 * compression, read back with the format detected.
 */
class RoundTripPropertyTest {
    private static final int SEEDS = 60;
    private static final String[] SUFFIXES = {"", ".gz", ".zst"};

    private static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** A random trace whose pages fit {@code maxPageBits} bits. */
    private static List<Ref> randomTrace(RandomGenerator r, int length, int maxPageBits) {
        List<Ref> refs = new ArrayList<>(length);
        long mask = maxPageBits == 64 ? -1L : (1L << maxPageBits) - 1;
        for (int i = 0; i < length; i++) {
            long page = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(16);
                case 1 -> r.nextLong(1 << 20);
                case 2 -> r.nextLong() & mask;
                default -> refs.isEmpty() ? 0 : refs.get(r.nextInt(refs.size())).page();
            };
            int pid = r.nextInt(10) == 0 ? r.nextInt(Integer.MAX_VALUE) : r.nextInt(4);
            refs.add(new Ref(page, (byte) r.nextInt(RefKind.COUNT), pid));
        }
        return refs;
    }

    private static void write(TraceWriter writer, List<Ref> refs, int capacity) throws IOException {
        TraceBlock block = new TraceBlock(capacity);
        for (Ref ref : refs) {
            if (block.size == capacity) {
                writer.write(block);
                block.size = 0;
            }
            block.add(ref.page(), ref.kind(), ref.pid());
        }
        writer.write(block);
    }

    /** What a reader gives back for {@code ref} written in {@code format}. */
    private static Ref expected(Ref ref, TraceFormat format, boolean pids) {
        return switch (format) {
            case VMSIM -> new Ref(ref.page(), RefKind.isWrite(ref.kind()) ? RefKind.WRITE : RefKind.READ, pids ? ref.pid() : 0);
            default -> Ref.read(ref.page());
        };
    }

    @Test
    void writeThenRead_randomTracesInEveryWritableFormat_giveTheSameReferences(@TempDir Path dir) throws IOException {
        TraceFormat[] writable = {TraceFormat.PLAIN, TraceFormat.VMSIM, TraceFormat.ORACLE_GENERAL};
        Set<String> combinations = new HashSet<>();
        int highPages = 0;
        int multiBuffer = 0;
        int withPids = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomGenerator r = random(seed);
            TraceFormat format = writable[(int) (seed % 3)];
            String suffix = SUFFIXES[(int) (seed / 3 % 3)];
            int pageSize = 1 << r.nextInt(17);
            int shift = Integer.numberOfTrailingZeros(pageSize);
            boolean pids = format == TraceFormat.VMSIM && r.nextBoolean();
            int length = seed % 7 == 0 ? 30_000 + r.nextInt(20_000) : 1 + r.nextInt(3_000);
            List<Ref> refs = randomTrace(r, length, format == TraceFormat.VMSIM ? 64 - shift : 64);
            String context = "seed " + seed + " (" + format + suffix + ", page size " + pageSize + ", pids " + pids
                    + ", " + length + " references)";

            Path file = dir.resolve("trace-" + seed + suffix);
            try (TraceWriter writer = Traces.create(file, format, pageSize, pids)) {
                write(writer, refs, 1 + r.nextInt(5000));
                assertThat(writer.references()).as(context).isEqualTo(length);
            }
            List<Ref> back;
            try (TraceReader reader = Traces.open(file, TraceOptions.DEFAULTS.withPageSize(pageSize))) {
                assertThat(reader.format()).as(context).isEqualTo(format);
                assertThat(reader.hasPids()).as(context).isEqualTo(pids);
                back = TraceFixtures.readAll(reader, 1 + r.nextInt(10_000));
                TraceBlock after = new TraceBlock(8);
                assertThat(reader.read(after)).as(context + ": a read after the end").isZero();
            }

            assertThat(back).as(context).hasSize(length);
            for (int i = 0; i < length; i++) {
                Ref want = expected(refs.get(i), format, pids);
                if (!back.get(i).equals(want)) {
                    assertThat(back.get(i)).as("%s, reference %d", context, i).isEqualTo(want);
                }
            }
            combinations.add(format + suffix);
            highPages += refs.stream().anyMatch(ref -> ref.page() < 0) ? 1 : 0;
            multiBuffer += length >= 30_000 ? 1 : 0;
            withPids += pids ? 1 : 0;
        }
        // Coverage: every format in every compression, pages of 2^63 and up, files of several buffers, pid columns.
        assertThat(combinations).hasSize(9);
        assertThat(highPages).isGreaterThan(SEEDS / 2);
        assertThat(multiBuffer).isGreaterThanOrEqualTo(5);
        assertThat(withPids).isGreaterThanOrEqualTo(5);
    }

    @Test
    void oracleGeneralWriter_severalChunks_writesTimeIdSizeAndTheNextAccessOfEachRecord(@TempDir Path dir)
            throws IOException {
        for (String suffix : new String[] {"", ".gz"}) {
            for (long seed = 1; seed <= 3; seed++) {
                RandomGenerator r = random(seed);
                int length = seed == 1 ? 150_000 : 1 + r.nextInt(2000); // 150,000 > two chunks of 65,536
                List<Ref> refs = randomTrace(r, length, 64);
                Path file = dir.resolve("og-" + seed + suffix);
                try (TraceWriter writer = Traces.create(file, TraceFormat.ORACLE_GENERAL, 8192, false)) {
                    write(writer, refs, 4096);
                }

                // The oracle: a forward pass that tells each earlier reference when its page comes back.
                long[] next = new long[length];
                Map<Long, Integer> last = new HashMap<>();
                for (int j = 0; j < length; j++) {
                    next[j] = -1;
                    Integer i = last.put(refs.get(j).page(), j);
                    if (i != null) {
                        next[i] = j + 1;
                    }
                }
                ByteBuffer bytes = ByteBuffer.wrap(raw(file, suffix)).order(ByteOrder.LITTLE_ENDIAN);
                assertThat(bytes.remaining()).isEqualTo(24L * length);
                int repeats = 0;
                for (int i = 0; i < length; i++) {
                    long[] record = {bytes.getInt(), bytes.getLong(), bytes.getInt(), bytes.getLong()};
                    long[] want = {i, refs.get(i).page(), 8192, next[i]};
                    if (!java.util.Arrays.equals(record, want)) {
                        assertThat(record).as("seed %d%s, record %d: time, id, size, next", seed, suffix, i)
                                .containsExactly(want);
                    }
                    repeats += next[i] > 0 ? 1 : 0;
                }
                assertThat(repeats).as("seed %d: pages that come back", seed).isGreaterThan(length / 5);
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file is left")
                    .allMatch(name -> name.startsWith("og-"));
        }
    }

    private static byte[] raw(Path file, String suffix) throws IOException {
        try (InputStream in = suffix.isEmpty() ? Files.newInputStream(file)
                : new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    @Test
    void create_lackey_isRefused(@TempDir Path dir) {
        assertThat(EnumSet.allOf(TraceFormat.class).stream().filter(TraceFormat::writable)).containsExactly(
                TraceFormat.PLAIN, TraceFormat.VMSIM, TraceFormat.ORACLE_GENERAL);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Traces.create(dir.resolve("x"), TraceFormat.LACKEY, 4096,
                false)).isInstanceOf(IllegalArgumentException.class).hasMessage("cannot write lackey traces; expected"
                + " plain, vmsim or oracle-general");
    }

    @Test
    void vmsimWriter_pageThatNeedsMoreThan64AddressBits_isRefusedNamingIt(@TempDir Path dir) throws IOException {
        try (TraceWriter writer = Traces.create(dir.resolve("v"), TraceFormat.VMSIM, 4096, false)) {
            TraceBlock block = new TraceBlock(2);
            block.add(0xf_ffff_ffff_ffffL, RefKind.READ, 0);
            block.add(0x10_0000_0000_0000L, RefKind.READ, 0);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.write(block))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reference 1: page 0x10000000000000 times 4096 bytes does not fit a 64-bit address");
        }
    }
}
