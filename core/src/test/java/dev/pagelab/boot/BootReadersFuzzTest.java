package dev.pagelab.boot;

import static dev.pagelab.testing.ReaderContract.resultOrDocumentedError;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.testing.ReaderContract;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz targets (Jazzer) for every reader of boot input: Multiboot 1 in memory,
 * Multiboot 2 as a file and in memory, ELF32 kernels, physical-memory images, E820 text and the
 * sysfs memmap directory. Each checks the readers' contract through {@link ReaderContract}: a
 * result, or the documented exception naming the source; a result must then sanitise.
 *
 * <p>Without {@code JAZZER_FUZZ} (as in {@code mvn verify}) each target replays its corpus in
 * {@code src/test/resources/dev/pagelab/boot/BootReadersFuzzTestInputs/<target>/}: valid files,
 * and every input that once crashed a reader. With {@code JAZZER_FUZZ=1} the one target selected
 * is fuzzed (README, "Fuzzing").
 *
 * <p>Binary targets take the file's bytes as they are, so that a seed is a real file. The sysfs
 * target's input is the directory flattened: entries separated by a 0x00 byte, the contents of
 * {@code start}, {@code end} and {@code type} within an entry by 0x01 (a missing one is a missing file).
 */
@Timeout(10) // per input; under JAZZER_FUZZ Jazzer hands it to libFuzzer as -timeout (README, "Fuzzing")
class BootReadersFuzzTest {
    /** The Multiboot 1 target's machine: 64 KiB, the input copied from 0x9000 and the MBI at 0x9500 (QEMU's layout). */
    static final long MBI1_MEMORY_BYTES = 0x1_0000;
    static final long MBI1_INPUT_PADDR = Mbi1Fixture.MMAP;
    /** At most so many sysfs entries are made from one input. */
    static final int MAX_SYSFS_ENTRIES = 64;

    private static final Path SCRATCH = ReaderContract.scratchDirectory("boot");

    /** Whether a reader returned regions (null: it rejected the input); regions it returns must sanitise. */
    private static boolean sanitisesIfRead(List<MemoryRegion> regions) {
        if (regions != null) {
            MemoryMap.sanitize(regions);
        }
        return regions != null;
    }

    @FuzzTest
    void multiboot1(byte[] input) {
        multiboot1Accepts(input);
    }

    /**
     * The valid files of every corpus (all but Jazzer's {@code crash-} and {@code timeout-}
     * findings) are accepted: fuzzing starts from inputs that reach deep into the readers.
     */
    @Test
    void corpus_validFiles_areAccepted() throws IOException {
        Map<String, Predicate<byte[]>> targets = Map.of("multiboot1", BootReadersFuzzTest::multiboot1Accepts,
                "multiboot2", BootReadersFuzzTest::multiboot2Accepts, "elf32", BootReadersFuzzTest::elf32Accepts,
                "physicalImage", BootReadersFuzzTest::physicalImageAccepts, "e820Text", BootReadersFuzzTest::e820TextAccepts,
                "sysfsMemmap", BootReadersFuzzTest::sysfsMemmapAccepts);
        for (Map.Entry<String, Predicate<byte[]>> target : targets.entrySet()) {
            List<Path> valid = ReaderContract.validCorpusFiles(BootReadersFuzzTest.class, target.getKey());
            assertThat(valid).as(target.getKey()).isNotEmpty();
            for (Path file : valid) {
                assertThat(target.getValue().test(Files.readAllBytes(file))).as("%s accepts %s", target.getKey(), file)
                        .isTrue();
            }
        }
    }

    /** The {@link #multiboot1} target; whether the input was accepted. */
    static boolean multiboot1Accepts(byte[] input) {
        PhysicalMemory memory = PhysicalMemory.ofSize(MBI1_MEMORY_BYTES);
        memory.writeBytes(MBI1_INPUT_PADDR, input, 0, (int) Math.min(input.length, MBI1_MEMORY_BYTES - MBI1_INPUT_PADDR));
        Multiboot1Info info = resultOrDocumentedError("MBI at 0x00009500", MemoryMapException.class,
                () -> Multiboot1Info.read(memory, Mbi1Fixture.MBI));
        return sanitisesIfRead(info == null ? null : info.regions());
    }

    @FuzzTest
    void multiboot2(byte[] input) {
        multiboot2Accepts(input);
    }

    /** The {@link #multiboot2} target; whether the input was accepted. */
    static boolean multiboot2Accepts(byte[] input) {
        Multiboot2Info fromFile = resultOrDocumentedError("mb2.bin", MemoryMapException.class,
                () -> Multiboot2Info.read("mb2.bin", input));
        // The same bytes at the very end of a machine's memory: the memory reader must stop where
        // memory ends, and agree with the file reader.
        long memoryBytes = Addresses.alignUp(input.length + 1L);
        PhysicalMemory memory = PhysicalMemory.ofSize(memoryBytes);
        long paddr = memoryBytes - input.length;
        memory.writeBytes(paddr, input);
        Multiboot2Info inMemory = resultOrDocumentedError("Multiboot 2 information at", MemoryMapException.class,
                () -> Multiboot2Info.read(memory, paddr));
        assertThat(inMemory == null).as("the memory reader accepts what the file reader accepts").isEqualTo(fromFile == null);
        if (fromFile != null) {
            assertThat(inMemory.regions()).isEqualTo(fromFile.regions());
        }
        return sanitisesIfRead(fromFile == null ? null : fromFile.regions());
    }

    @FuzzTest
    void elf32(byte[] input) {
        elf32Accepts(input);
    }

    /** The {@link #elf32} target; whether the input was accepted. */
    static boolean elf32Accepts(byte[] input) {
        KernelImage image = resultOrDocumentedError("kernel.elf", BootException.class,
                () -> KernelImage.readElf("kernel.elf", input));
        if (image != null) {
            assertThat(image.segments()).isNotEmpty();
        }
        return image != null;
    }

    /** Input: EBX (4 bytes, little-endian; 0x9500 when shorter), then the image from physical address 0. */
    @FuzzTest
    void physicalImage(byte[] input) {
        physicalImageAccepts(input);
    }

    /** The {@link #physicalImage} target; whether the input was accepted. */
    static boolean physicalImageAccepts(byte[] input) {
        long mbi = input.length >= 4 ? Integer.toUnsignedLong(ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN).getInt(0))
                : Mbi1Fixture.MBI;
        byte[] image = input.length >= 4 ? Arrays.copyOfRange(input, 4, input.length) : input;
        Path file = ReaderContract.write(SCRATCH.resolve("ram.bin"), image);
        PhysicalMemory memory = resultOrDocumentedError(file.toString(), MemoryMapException.class,
                () -> PhysicalImage.read(file));
        if (memory == null) {
            return false;
        }
        Multiboot1Info info = resultOrDocumentedError("MBI at " + Addresses.hex(mbi), MemoryMapException.class,
                () -> Multiboot1Info.read(memory, mbi));
        return sanitisesIfRead(info == null ? null : info.regions());
    }

    @FuzzTest
    void e820Text(byte[] input) {
        e820TextAccepts(input);
    }

    /** The {@link #e820Text} target; whether the input was accepted. */
    static boolean e820TextAccepts(byte[] input) {
        Path file = ReaderContract.write(SCRATCH.resolve("e820.txt"), input);
        List<MemoryRegion> regions = resultOrDocumentedError("e820.txt", MemoryMapException.class, () -> E820Text.parse(file));
        return sanitisesIfRead(regions);
    }

    @FuzzTest
    void sysfsMemmap(byte[] input) {
        sysfsMemmapAccepts(input);
    }

    /** The {@link #sysfsMemmap} target; whether the input was accepted. */
    static boolean sysfsMemmapAccepts(byte[] input) {
        Path dir = SCRATCH.resolve("memmap");
        ReaderContract.clear(SCRATCH);
        ReaderContract.createDirectory(dir);
        String[] entries = new String(input, StandardCharsets.ISO_8859_1).split("\0", -1);
        for (int n = 0; n < Math.min(entries.length, MAX_SYSFS_ENTRIES); n++) {
            Path entry = dir.resolve(Integer.toString(n));
            ReaderContract.createDirectory(entry);
            String[] files = entries[n].split("\1", -1);
            String[] names = {"start", "end", "type"};
            for (int f = 0; f < Math.min(files.length, names.length); f++) {
                ReaderContract.write(entry.resolve(names[f]), files[f].getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        List<MemoryRegion> regions = resultOrDocumentedError(dir.toString(), MemoryMapException.class,
                () -> SysfsMemmap.read(dir));
        return sanitisesIfRead(regions);
    }
}
