package dev.pagelab.conformance;

import dev.pagelab.hw.Addresses;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The stub's parameter block, handed over as its only Multiboot module (the format is in the
 * comment at the top of {@code src/main/asm/stub.asm}): one or more phases, each the page-table
 * frames to copy to their physical addresses, the frames to tag, CR0/CR3/CR4, and the accesses
 * to make. Every field is a little-endian u32.
 */
final class ParameterBlock {
    static final int MAGIC = 0x4250_4C50; // "PLPB"
    static final int VERSION = 1;
    /** The most accesses the stub takes in one phase (its MAX_ACCESSES). */
    static final int MAX_ACCESSES = 4096;
    static final int OP_WRITE = 1 << 4;
    static final int OP_USER = 1 << 5;

    private ParameterBlock() {
    }

    /**
     * One access.
     *
     * @param vaddr the linear address
     * @param bytes 1, 2 or 4
     * @param write a write of {@code value}'s low {@code bytes} bytes, else a read
     * @param user  at CPL 3, else at CPL 0
     * @param value what a write writes
     */
    record Access(long vaddr, int bytes, boolean write, boolean user, int value) {
        Access {
            if (bytes != 1 && bytes != 2 && bytes != 4) {
                throw new IllegalArgumentException("access of " + bytes + " bytes");
            }
        }

        int op() {
            return bytes | (write ? OP_WRITE : 0) | (user ? OP_USER : 0);
        }

        /** Whether the access reaches into the next page. */
        boolean crossesPage() {
            return Addresses.pageOffset(vaddr) + bytes > Addresses.PAGE_BYTES;
        }

        @Override
        public String toString() {
            return String.format("%s%d %s at CPL %d", write ? "write" : "read", bytes * 8, Addresses.hex(vaddr),
                    user ? 3 : 0) + (write ? String.format(" of 0x%X", value) : "");
        }
    }

    /**
     * {@code frames} frames from {@code paddr} whose every 32-bit word the stub sets to its own
     * physical address, so that a read tells where it landed.
     */
    record TagRange(long paddr, int frames) {
        boolean contains(long paddr, int bytes) {
            return paddr >= this.paddr && paddr + bytes <= this.paddr + ((long) frames << Addresses.PAGE_SHIFT);
        }
    }

    /** One phase: the tables, the tags, the registers and the accesses. */
    record Phase(long cr0, long cr3, long cr4, SortedMap<Long, byte[]> tableFrames, List<TagRange> tags,
            List<Access> accesses) {
        Phase {
            if (accesses.size() > MAX_ACCESSES) {
                throw new IllegalArgumentException(accesses.size() + " accesses, the stub takes " + MAX_ACCESSES);
            }
        }

        /** Bytes this phase takes in the block. */
        int encodedBytes() {
            return 24 + tableFrames.size() * (4 + Addresses.PAGE_BYTES) + tags.size() * 8 + accesses.size() * 12;
        }
    }

    /** The block for {@code phases}, in order. */
    static byte[] encode(List<Phase> phases) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = words(3).putInt(MAGIC).putInt(VERSION).putInt(phases.size());
        out.writeBytes(header.array());
        for (Phase phase : phases) {
            out.writeBytes(words(6).putInt((int) phase.cr0()).putInt((int) phase.cr3()).putInt((int) phase.cr4())
                    .putInt(phase.tableFrames().size()).putInt(phase.tags().size()).putInt(phase.accesses().size())
                    .array());
            for (Map.Entry<Long, byte[]> frame : phase.tableFrames().entrySet()) {
                out.writeBytes(words(1).putInt((int) (long) frame.getKey()).array());
                out.writeBytes(frame.getValue());
            }
            for (TagRange tag : phase.tags()) {
                out.writeBytes(words(2).putInt((int) tag.paddr()).putInt(tag.frames()).array());
            }
            for (Access a : phase.accesses()) {
                out.writeBytes(words(3).putInt((int) a.vaddr()).putInt(a.op()).putInt(a.value()).array());
            }
        }
        return out.toByteArray();
    }

    private static ByteBuffer words(int count) {
        return ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    }
}
