package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.testing.Seeded;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of accesses on a 64 KiB memory with one hole page, against a plain byte array:
 * hole bytes read 0xFF and ignore writes, everything else is little-endian RAM.
 */
class PhysicalMemoryPropertyTest {
    static final int SIZE = 64 * 1024;
    static final int HOLE_START = 0x5000;
    static final int HOLE_END = 0x6000;

    /** One operation; addresses are in bounds by construction. */
    sealed interface Op {
        record Write(int width, long paddr, long value) implements Op { }

        record Read(int width, long paddr) implements Op { }

        record WriteBytes(long paddr, byte[] data) implements Op {
            @Override
            public String toString() {
                return "WriteBytes[" + Addresses.hex(paddr) + ", " + data.length + " bytes]";
            }
        }

        record ReadBytes(long paddr, int length) implements Op { }

        record Fill(long paddr, int length, int value) implements Op { }

        record Copy(long src, long dst, int length) implements Op { }
    }

    /** The reference: a byte array, and the two counters computed byte by byte. */
    static final class Model {
        final byte[] bytes = new byte[SIZE];
        long holeReads;
        long droppedWrites;

        Model() {
            Arrays.fill(bytes, HOLE_START, HOLE_END, (byte) 0xFF);
        }

        static boolean inHole(long paddr) {
            return paddr >= HOLE_START && paddr < HOLE_END;
        }

        void write(long paddr, byte b) {
            if (inHole(paddr)) {
                droppedWrites++;
            } else {
                bytes[(int) paddr] = b;
            }
        }

        int read(long paddr) {
            if (inHole(paddr)) {
                holeReads++;
            }
            return bytes[(int) paddr] & 0xFF;
        }

        long readValue(long paddr, int width) {
            long value = 0;
            for (int i = 0; i < width; i++) {
                value |= (long) read(paddr + i) << (8 * i);
            }
            return value;
        }
    }

    @Test
    void operations_randomSequence_matchByteArrayModel() {
        Seeded.cases("PhysicalMemory.operations", 300).run(c -> matchModel(c, operations(c)));
    }

    private static void matchModel(Seeded.Case c, List<Op> ops) {
        PhysicalMemory memory = PhysicalMemory.builder(SIZE).hole(HOLE_START, HOLE_END - HOLE_START).build();
        Model model = new Model();
        // Pages 0-7 start with a pattern (so that a copy in the wrong direction shows), 8-15 untouched.
        for (int paddr = 0; paddr < 8 * 4096; paddr++) {
            byte b = (byte) (paddr * 7 + (paddr >>> 8));
            if (!Model.inHole(paddr)) {
                model.bytes[paddr] = b;
            }
        }
        memory.writeBytes(0, model.bytes, 0, HOLE_START);
        memory.writeBytes(HOLE_END, model.bytes, HOLE_END, 8 * 4096 - HOLE_END);

        for (int step = 0; step < ops.size(); step++) {
            Op op = ops.get(step);
            c.step(step, op);
            String at = "step " + step + ": " + op;
            switch (op) {
                case Op.Write w -> {
                    switch (w.width()) {
                        case 1 -> memory.write8(w.paddr(), (int) w.value());
                        case 2 -> memory.write16(w.paddr(), (int) w.value());
                        case 4 -> memory.write32(w.paddr(), (int) w.value());
                        default -> memory.write64(w.paddr(), w.value());
                    }
                    for (int i = 0; i < w.width(); i++) {
                        model.write(w.paddr() + i, (byte) (w.value() >>> (8 * i)));
                    }
                }
                case Op.Read r -> {
                    long expected = model.readValue(r.paddr(), r.width());
                    long actual = switch (r.width()) {
                        case 1 -> memory.read8(r.paddr());
                        case 2 -> memory.read16(r.paddr());
                        case 4 -> Integer.toUnsignedLong(memory.read32(r.paddr()));
                        default -> memory.read64(r.paddr());
                    };
                    assertThat(actual).as(at).isEqualTo(expected);
                }
                case Op.WriteBytes wb -> {
                    memory.writeBytes(wb.paddr(), wb.data());
                    for (int i = 0; i < wb.data().length; i++) {
                        model.write(wb.paddr() + i, wb.data()[i]);
                    }
                }
                case Op.ReadBytes rb -> {
                    byte[] expected = new byte[rb.length()];
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] = (byte) model.read(rb.paddr() + i);
                    }
                    assertThat(memory.readBytes(rb.paddr(), rb.length())).as(at).isEqualTo(expected);
                }
                case Op.Fill f -> {
                    memory.fill(f.paddr(), f.length(), f.value());
                    for (int i = 0; i < f.length(); i++) {
                        model.write(f.paddr() + i, (byte) f.value());
                    }
                }
                case Op.Copy cp -> {
                    memory.copy(cp.src(), cp.dst(), cp.length());
                    if (cp.src() != cp.dst()) { // an identity copy is a no-op, not length reads and writes
                        byte[] buffer = new byte[cp.length()];
                        for (int i = 0; i < buffer.length; i++) {
                            buffer[i] = (byte) model.read(cp.src() + i);
                        }
                        for (int i = 0; i < buffer.length; i++) {
                            model.write(cp.dst() + i, buffer[i]);
                        }
                    }
                }
            }
            assertThat(memory.holeReads()).as(at + ": holeReads").isEqualTo(model.holeReads);
            assertThat(memory.droppedWrites()).as(at + ": droppedWrites").isEqualTo(model.droppedWrites);
        }
        assertThat(memory.readBytes(0, SIZE)).isEqualTo(model.bytes);
        assertThat(memory.touchedPages()).isLessThanOrEqualTo(SIZE / 4096 - 1);
    }

    /** An address for an access of {@code bytes}, three times in five near a page end (where the splits happen). */
    private static long paddr(Seeded.Case c, int bytes) {
        int last = SIZE - Math.max(bytes, 1);
        if (c.weighted(2, 3) == 0) {
            return c.edgy(0, last);
        }
        long nearPageEnd = (c.between(0, 15) + 1) * 4096L + c.edgy(-8, 8) - bytes / 2;
        return Math.clamp(nearPageEnd, 0, last);
    }

    /** Up to 40 operations; lengths of bulk operations up to three pages, 0 and 1 among them. */
    static List<Op> operations(Seeded.Case c) {
        int count = c.length(0, 40);
        List<Op> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int width = c.oneOf(1, 2, 4, 8);
            int length = c.edgy(0, 3 * 4096 + 100);
            out.add(switch (c.weighted(4, 4, 1, 2, 1, 2)) {
                case 0 -> new Op.Write(width, paddr(c, width), c.random().nextLong());
                case 1 -> new Op.Read(width, paddr(c, width));
                case 2 -> new Op.WriteBytes(paddr(c, length), c.bytes(length));
                case 3 -> new Op.ReadBytes(paddr(c, length), length);
                case 4 -> new Op.Fill(paddr(c, length), length, c.oneOf(0, 0xFF, 0x5A, 0x1C3));
                default -> {
                    long src = paddr(c, length);
                    long dst = paddr(c, length);
                    int shift = c.edgy(-64, 64);
                    // Half the copies overlap: destination a few bytes off the source.
                    long near = Math.clamp(src + shift, 0, SIZE - length);
                    yield new Op.Copy(src, shift % 2 == 0 ? near : dst, length);
                }
            });
        }
        return out;
    }
}
