package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pagelab.hw.PhysicalMemory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The binary readers against random and mutated input: each may return a result or throw its
 * own {@link MemoryMapException} naming its source, and nothing else, within a few seconds (no
 * endless walk). Whatever they return must sanitise.
 */
class MultibootFuzzTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    /** A 64 KiB machine holding the QEMU-like MBI of {@link Mbi1Fixture} at 0x9000-0x9800. */
    private static final long MEMORY_BYTES = 0x1_0000;

    /** One change to a structure: a byte, or a 32-bit word set to a value a parser finds interesting. */
    record Mutation(int offset, boolean word, long value) {
    }

    private static void onlyResultOrOwnError(String source, Supplier<List<MemoryRegion>> read) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try {
                List<MemoryRegion> regions = read.get();
                MemoryMap.sanitize(regions);
            } catch (MemoryMapException e) {
                assertThat(e.getMessage()).startsWith(source);
                assertThat(e.problem()).isNotBlank();
            }
        });
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Long> interesting = Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 4L, 7L, 8L, 15L, 16L, 19L, 20L, 21L, 23L, 24L, 25L, 32L, 0x40L, 0x68L, 0x110L, 184L, 208L, 400L,
                        0x9000L, 0x9500L, 0x9FF0L, 0xFFF0L, 0xFFFCL, 0x1_0000L, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL));
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 0x7FF),
                Arbitraries.of(true, false), interesting, Arbitraries.integers().between(0, 255))
                .as((offset, word, value, b) -> word ? new Mutation(offset & ~3, true, value) : new Mutation(offset, false, b));
        return mutation.list().ofMinSize(1).ofMaxSize(6);
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

    // ---------------------------------------------------------------- Multiboot 1

    @Property(tries = 600)
    void multiboot1_mutatedQemuMbi_givesResultOrOwnError(@ForAll("mutations") List<Mutation> mutations) {
        PhysicalMemory memory = PhysicalMemory.builder(MEMORY_BYTES).hole(0xA000, 0x1000).build();
        Mbi1Fixture.writeQemuPc128M(memory);
        byte[] structure = memory.readBytes(Mbi1Fixture.MMAP, 0x800);
        apply(structure, mutations);
        memory.writeBytes(Mbi1Fixture.MMAP, structure);

        onlyResultOrOwnError("MBI at 0x00009500", () -> Multiboot1Info.read(memory, Mbi1Fixture.MBI).regions());
    }

    @Property(tries = 300)
    void multiboot1_mutatedMbiFields_givesResultOrOwnError(@ForAll("mutations") List<Mutation> mutations) {
        PhysicalMemory memory = PhysicalMemory.ofSize(MEMORY_BYTES);
        Mbi1Fixture.writeQemuPc128M(memory);
        byte[] mbi = memory.readBytes(Mbi1Fixture.MBI, Multiboot1Info.INFO_BYTES);
        apply(mbi, mutations); // offsets wrap inside the 116 bytes of the MBI itself
        memory.writeBytes(Mbi1Fixture.MBI, mbi);

        onlyResultOrOwnError("MBI at 0x00009500", () -> Multiboot1Info.read(memory, Mbi1Fixture.MBI).regions());
    }

    @Property(tries = 300)
    void multiboot1_randomBytes_givesResultOrOwnError(@ForAll long seed,
                                                     @ForAll @IntRange(min = 0, max = 0x7FF) int mbiOffset) {
        byte[] noise = new byte[0x800];
        new Random(seed).nextBytes(noise);
        PhysicalMemory memory = PhysicalMemory.ofSize(0xA000);
        memory.writeBytes(0x9000, noise);
        long mbi = 0x9000 + mbiOffset;

        onlyResultOrOwnError("MBI at " + dev.pagelab.hw.Addresses.hex(mbi), () -> Multiboot1Info.read(memory, mbi).regions());
    }

    // ---------------------------------------------------------------- Multiboot 2

    @Property(tries = 600)
    void multiboot2_mutatedGrubStructure_givesResultOrOwnError(@ForAll("mutations") List<Mutation> mutations,
                                                              @ForAll @IntRange(min = 0, max = 400) int keepBytes) {
        byte[] bytes = Mb2Fixture.grubLike();
        apply(bytes, mutations);
        byte[] cut = keepBytes < bytes.length ? Arrays.copyOf(bytes, keepBytes) : bytes;

        onlyResultOrOwnError("mb2.bin", () -> Multiboot2Info.read("mb2.bin", cut).regions());
    }

    @Property(tries = 400)
    void multiboot2_randomBytes_givesResultOrOwnError(@ForAll @Size(max = 600) byte[] noise, @ForAll boolean plausibleSize) {
        byte[] bytes = noise.clone();
        if (plausibleSize && bytes.length >= 4) {
            LeBytes.put32(bytes, 0, bytes.length); // get past the header check, into the tags
        }

        onlyResultOrOwnError("noise.bin", () -> Multiboot2Info.read("noise.bin", bytes).regions());
    }

    @Property(tries = 300)
    void multiboot2_mutatedStructureAtTheEndOfMemory_givesResultOrOwnError(
            @ForAll("mutations") List<Mutation> mutations, @ForAll @IntRange(min = 0, max = 300) int shortBy) {
        byte[] bytes = Mb2Fixture.grubLike();
        apply(bytes, mutations);
        PhysicalMemory memory = PhysicalMemory.ofSize(0x2000);
        long paddr = 0x2000 - bytes.length + Math.min(shortBy, bytes.length - 1);
        memory.writeBytes(paddr, bytes, 0, (int) (0x2000 - paddr));

        onlyResultOrOwnError("Multiboot 2 information at", () -> Multiboot2Info.read(memory, paddr).regions());
    }
}
