package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.testing.Seeded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The binary readers against random and mutated input: each may return a result or throw its
 * own {@link MemoryMapException} naming its source, and nothing else, within a few seconds (no
 * endless walk). Whatever they return must sanitise.
 *
 * <p>A reader that rejects everything would pass that contract, so each property that mutates a
 * valid structure also gates the share of inputs the reader accepts (about half of what the
 * generators reach: the gates fail under the mutant "always reject"), and the random-byte
 * properties gate the share they reject (a reader that takes noise for a map is as wrong).
 */
class MultibootFuzzTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    /** A 64 KiB machine holding the QEMU-like MBI of {@link Mbi1Fixture} at 0x9000-0x9800. */
    private static final long MEMORY_BYTES = 0x1_0000;
    /** Values a parser finds interesting: sizes, offsets of the fixture, ends of memory and of 32 bits. */
    private static final long[] INTERESTING = {0L, 1L, 4L, 7L, 8L, 15L, 16L, 19L, 20L, 21L, 23L, 24L, 25L, 32L, 0x40L, 0x68L,
        0x110L, 184L, 208L, 400L, 0x9000L, 0x9500L, 0x9FF0L, 0xFFF0L, 0xFFFCL, 0x1_0000L, 0x7FFF_FFFFL, 0x8000_0000L,
        0xFFFF_FFFFL};

    /** One change to a structure: a byte, or a 32-bit word set to a value a parser finds interesting. */
    record Mutation(int offset, boolean word, long value) {
    }

    /** Whether the reader returned, for the gates. */
    private static boolean onlyResultOrOwnError(String source, Supplier<List<MemoryRegion>> read) {
        return assertTimeoutPreemptively(LIMIT, () -> {
            try {
                List<MemoryRegion> regions = read.get();
                MemoryMap.sanitize(regions);
                return true;
            } catch (MemoryMapException e) {
                assertThat(e.getMessage()).startsWith(source);
                assertThat(e.problem()).isNotBlank();
                return false;
            }
        });
    }

    /** One to six mutations: half of the words an interesting value, half any 32-bit value. */
    static List<Mutation> mutations(Seeded.Case c) {
        int count = c.length(1, 6);
        List<Mutation> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int offset = c.edgy(0, 0x7FF);
            boolean word = c.coin();
            long value = c.coin() ? c.oneOf(INTERESTING) : c.edgy(0L, 0xFFFF_FFFFL);
            out.add(word ? new Mutation(offset & ~3, true, value) : new Mutation(offset, false, c.edgy(0, 255)));
        }
        return out;
    }

    private static void apply(byte[] bytes, List<Mutation> mutations) {
        for (Mutation m : mutations) {
            int at = m.offset() % bytes.length;
            if (m.word() && at + 4 <= bytes.length) {
                LeBytes.put32(bytes, at, m.value());
            } else {
                bytes[at] = (byte) m.value();
            }
        }
    }

    @Test
    void fixtures_unmutated_areAccepted() {
        PhysicalMemory memory = PhysicalMemory.ofSize(MEMORY_BYTES);
        Mbi1Fixture.writeQemuPc128M(memory);
        assertThat(Multiboot1Info.read(memory, Mbi1Fixture.MBI).regions()).hasSize(Mbi1Fixture.QEMU_PC_128M.length);
        assertThat(Multiboot2Info.read("mb2.bin", Mb2Fixture.grubLike()).regions()).hasSize(Mbi1Fixture.QEMU_PC_128M.length);
    }

    // ---------------------------------------------------------------- Multiboot 1

    @Test
    void multiboot1_mutatedQemuMbi_givesResultOrOwnError() {
        Seeded.cases("multiboot1_mutatedQemuMbi", 600).requireShare("accepted", 0.2).run(c -> {
            List<Mutation> mutations = mutations(c);
            c.given(mutations);
            PhysicalMemory memory = PhysicalMemory.builder(MEMORY_BYTES).hole(0xA000, 0x1000).build();
            Mbi1Fixture.writeQemuPc128M(memory);
            byte[] structure = memory.readBytes(Mbi1Fixture.MMAP, 0x800);
            apply(structure, mutations);
            memory.writeBytes(Mbi1Fixture.MMAP, structure);

            c.cover("accepted", onlyResultOrOwnError("MBI at 0x00009500",
                    () -> Multiboot1Info.read(memory, Mbi1Fixture.MBI).regions()));
        });
    }

    @Test
    void multiboot1_mutatedMbiFields_givesResultOrOwnError() {
        Seeded.cases("multiboot1_mutatedMbiFields", 300).requireShare("accepted", 0.3).run(c -> {
            List<Mutation> mutations = mutations(c);
            c.given(mutations);
            PhysicalMemory memory = PhysicalMemory.ofSize(MEMORY_BYTES);
            Mbi1Fixture.writeQemuPc128M(memory);
            byte[] mbi = memory.readBytes(Mbi1Fixture.MBI, Multiboot1Info.INFO_BYTES);
            apply(mbi, mutations); // offsets wrap inside the 116 bytes of the MBI itself
            memory.writeBytes(Mbi1Fixture.MBI, mbi);

            c.cover("accepted", onlyResultOrOwnError("MBI at 0x00009500",
                    () -> Multiboot1Info.read(memory, Mbi1Fixture.MBI).regions()));
        });
    }

    @Test
    void multiboot1_randomBytes_givesResultOrOwnError() {
        Seeded.cases("multiboot1_randomBytes", 300).requireShare("rejected", 0.75).run(c -> {
            byte[] noise = c.bytes(0x800);
            int mbiOffset = c.edgy(0, 0x7FF);
            c.given("MBI at offset " + mbiOffset + " of the noise");
            PhysicalMemory memory = PhysicalMemory.ofSize(0xA000);
            memory.writeBytes(0x9000, noise);
            long mbi = 0x9000 + mbiOffset;

            c.cover("rejected", !onlyResultOrOwnError("MBI at " + Addresses.hex(mbi),
                    () -> Multiboot1Info.read(memory, mbi).regions()));
        });
    }

    // ---------------------------------------------------------------- Multiboot 2

    @Test
    void multiboot2_mutatedGrubStructure_givesResultOrOwnError() {
        Seeded.cases("multiboot2_mutatedGrubStructure", 600).requireShare("accepted", 0.035).run(c -> {
            List<Mutation> mutations = mutations(c);
            int keepBytes = c.edgy(0, 400);
            c.given(mutations + ", first " + keepBytes + " bytes kept");
            byte[] bytes = Mb2Fixture.grubLike();
            apply(bytes, mutations);
            byte[] cut = keepBytes < bytes.length ? Arrays.copyOf(bytes, keepBytes) : bytes;

            c.cover("accepted", onlyResultOrOwnError("mb2.bin", () -> Multiboot2Info.read("mb2.bin", cut).regions()));
        });
    }

    @Test
    void multiboot2_randomBytes_givesResultOrOwnError() {
        Seeded.cases("multiboot2_randomBytes", 400).requireShare("rejected", 0.9).run(c -> {
            byte[] bytes = c.bytes(c.length(0, 600));
            boolean plausibleSize = c.coin();
            c.given(bytes.length + " bytes, plausible size " + plausibleSize);
            if (plausibleSize && bytes.length >= 4) {
                LeBytes.put32(bytes, 0, bytes.length); // get past the header check, into the tags
            }

            c.cover("rejected", !onlyResultOrOwnError("noise.bin", () -> Multiboot2Info.read("noise.bin", bytes).regions()));
        });
    }

    @Test
    void multiboot2_mutatedStructureAtTheEndOfMemory_givesResultOrOwnError() {
        Seeded.cases("multiboot2_mutatedStructureAtTheEndOfMemory", 300).requireShare("accepted", 0.05).run(c -> {
            List<Mutation> mutations = mutations(c);
            // One in four structures ends exactly at the end of memory, so that some can be read whole.
            int shortBy = c.weighted(1, 3) == 0 ? 0 : c.edgy(0, 300);
            c.given(mutations + ", " + shortBy + " bytes past the end of memory");
            byte[] bytes = Mb2Fixture.grubLike();
            apply(bytes, mutations);
            PhysicalMemory memory = PhysicalMemory.ofSize(0x2000);
            long paddr = 0x2000 - bytes.length + Math.min(shortBy, bytes.length - 1);
            memory.writeBytes(paddr, bytes, 0, (int) (0x2000 - paddr));

            c.cover("accepted", onlyResultOrOwnError("Multiboot 2 information at",
                    () -> Multiboot2Info.read(memory, paddr).regions()));
        });
    }
}
