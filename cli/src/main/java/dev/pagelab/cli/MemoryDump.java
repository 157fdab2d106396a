package dev.pagelab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.hw.Mmu;
import dev.pagelab.paging.PageTableDump;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code --dump-memory DIR}: what an x86 machine needs to use the same page tables. Every
 * page-directory and page-table frame as {@code DIR/frames/XXXXXXXX.bin} (4096 bytes, named by
 * its physical address in eight hex digits) and {@code DIR/registers.json} with {@code cr0},
 * {@code cr3} and {@code cr4} as numbers. The conformance tests load exactly this into QEMU.
 */
final class MemoryDump {
    private MemoryDump() {
    }

    /** Writes the dump; returns the physical addresses of the frames written. */
    static List<Long> write(Path dir, Mmu mmu) {
        List<Long> frames = PageTableDump.tableFrames(mmu.memory(), mmu.cr3(), (mmu.cr4() & Mmu.CR4_PSE) != 0);
        try {
            Path framesDir = Files.createDirectories(dir.resolve("frames"));
            for (long paddr : frames) {
                Files.write(framesDir.resolve(String.format(Locale.ROOT, "%08X.bin", paddr)),
                        mmu.memory().readBytes(paddr, 4096));
            }
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode registers = mapper.createObjectNode();
            registers.put("cr0", mmu.cr0()).put("cr3", mmu.cr3()).put("cr4", mmu.cr4());
            Files.writeString(dir.resolve("registers.json"), mapper.writeValueAsString(registers) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("--dump-memory " + dir + ": cannot write (" + e.getMessage() + ")", e);
        }
        return frames;
    }
}
