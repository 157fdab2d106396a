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
 * <p>{@link #read(Path)} gives a memory as large as the file rounded up to 4 KiB;
 * {@link #read(Path, long)} a memory of a given size whose first bytes are the image, the rest
 * zero RAM: an image is often shorter than the machine's RAM ({@code pmemsave} of the first
 * megabytes, the usual way to grab the boot structures), and a kernel booted from it finds its
 * free frames past the image's end. The memory is RAM throughout: the image does not say where
 * the holes were. It stays sparse: the file is read a page at a time and only pages holding a
 * non-zero byte are written, so a 128 MiB image of a freshly booted machine costs a few MiB of
 * heap. The file must be a regular file of at most 4 GiB: its size is known before a byte is
 * read, and a device such as {@code /dev/urandom} is refused.
 */
public final class PhysicalImage {
    private PhysicalImage() {
    }

    /**
     * Loads the image in {@code file} into a memory of its own size, rounded up to 4 KiB.
     *
     * @throws MemoryMapException naming the file when it cannot be read, is not a regular file, is
     *                            empty, or is larger than the 4 GiB a 32-bit machine addresses
     */
    public static PhysicalMemory read(Path file) {
        return read(file, Addresses.alignUp(imageBytes(file)));
    }

    /**
     * Loads the image in {@code file} into the first bytes of a memory of {@code sizeBytes}; the
     * rest of that memory is zero RAM.
     *
     * @param sizeBytes a multiple of 4 KiB, at most 4 GiB, and at least the file's size
     * @throws MemoryMapException as {@link #read(Path)}, and when the file is larger than {@code sizeBytes}
     */
    public static PhysicalMemory read(Path file, long sizeBytes) {
        String source = file.toString();
        long fileBytes = imageBytes(file);
        if (fileBytes > sizeBytes) {
            throw new MemoryMapException(source, "", fileBytes + " bytes do not fit in a memory of " + sizeBytes
                    + " bytes");
        }
        PhysicalMemory memory = PhysicalMemory.ofSize(sizeBytes);
        byte[] page = new byte[Addresses.PAGE_BYTES];
        long paddr = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while (paddr < fileBytes && (n = in.readNBytes(page, 0, (int) Math.min(page.length, fileBytes - paddr))) > 0) {
                if (!allZero(page, n)) {
                    memory.writeBytes(paddr, page, 0, n);
                }
                paddr += n;
            }
        } catch (IOException | SecurityException e) {
            throw new MemoryMapException(source, "offset 0x" + Long.toHexString(paddr), "cannot be read ("
                    + InputFiles.reason(e) + ")");
        }
        return memory;
    }

    /**
     * The size of the image in {@code file}, checked: a regular file, not empty, at most 4 GiB.
     *
     * @throws MemoryMapException naming the file and what was expected
     */
    public static long imageBytes(Path file) {
        String source = file.toString();
        String expected = "a physical-memory image such as QEMU's 'pmemsave 0 SIZE FILE' writes";
        long fileBytes;
        try {
            InputFiles.requireRegularFile(file, expected);
            fileBytes = Files.size(file);
        } catch (InputFileException e) {
            throw new MemoryMapException(source, "", e.problem());
        } catch (IOException | SecurityException e) {
            throw new MemoryMapException(source, "", "cannot be read (" + InputFiles.reason(e) + ")");
        }
        if (fileBytes == 0) {
            throw new MemoryMapException(source, "", "is empty (expected " + expected + ")");
        }
        if (fileBytes > PhysicalMemory.MAX_BYTES) {
            throw new MemoryMapException(source, "", fileBytes + " bytes is more than the 4 GiB (" + PhysicalMemory.MAX_BYTES
                    + " bytes) a 32-bit machine addresses without PAE");
        }
        return fileBytes;
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
