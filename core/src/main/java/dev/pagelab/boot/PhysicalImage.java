package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A raw physical-memory image: byte {@code i} of the file is the byte at physical address
 * {@code i}, as QEMU's monitor command {@code pmemsave 0 SIZE FILE} writes it. Loaded into a
 * {@link PhysicalMemory}, it lets {@link Multiboot1Info#read} find the MBI and its mmap exactly
 * where the loader left them, given the MBI's address (EBX at kernel entry).
 *
 * <pre>
 *  (qemu) pmemsave 0 0x8000000 ram.bin          file offset == physical address
 *  PhysicalMemory memory = PhysicalImage.read(Path.of("ram.bin"));
 *  Multiboot1Info mbi = Multiboot1Info.read(memory, 0x9500);
 * </pre>
 *
 * <p>The memory is as large as the file rounded up to 4 KiB, at most 4 GiB, and RAM throughout:
 * the image does not say where the holes were. It stays sparse: the file is read a page at a time
 * and only pages holding a non-zero byte are written, so a 128 MiB image of a freshly booted
 * machine costs a few MiB of heap.
 */
public final class PhysicalImage {
    private PhysicalImage() {
    }

    /**
     * Loads the image in {@code file}.
     *
     * @throws MemoryMapException naming the file when it cannot be read, is empty, or is larger
     *                            than the 4 GiB a 32-bit machine addresses
     */
    public static PhysicalMemory read(Path file) {
        String source = file.toString();
        long fileBytes;
        try {
            fileBytes = Files.size(file);
        } catch (IOException | SecurityException e) {
            throw new MemoryMapException(source, "", "cannot be read (" + e + ")");
        }
        if (fileBytes == 0) {
            throw new MemoryMapException(source, "", "is empty (expected a physical-memory image such as"
                    + " QEMU's 'pmemsave 0 SIZE FILE' writes)");
        }
        if (fileBytes > PhysicalMemory.MAX_BYTES) {
            throw new MemoryMapException(source, "", fileBytes + " bytes is more than the 4 GiB (" + PhysicalMemory.MAX_BYTES
                    + " bytes) a 32-bit machine addresses without PAE");
        }
        PhysicalMemory memory = PhysicalMemory.ofSize(Addresses.alignUp(fileBytes));
        byte[] page = new byte[Addresses.PAGE_BYTES];
        long paddr = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while (paddr < memory.sizeBytes() && (n = in.readNBytes(page, 0, page.length)) > 0) {
                if (!allZero(page, n)) {
                    memory.writeBytes(paddr, page, 0, n);
                }
                paddr += n;
            }
        } catch (IOException | SecurityException e) {
            throw new MemoryMapException(source, "offset 0x" + Long.toHexString(paddr), "cannot be read (" + e + ")");
        }
        return memory;
    }

    private static boolean allZero(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
