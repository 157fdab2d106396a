package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

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

    @Property(tries = 300)
    void operations_randomSequence_matchByteArrayModel(@ForAll("operations") @Size(max = 40) List<Op> ops) {
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
                case Op.Copy c -> {
                    memory.copy(c.src(), c.dst(), c.length());
                    if (c.src() != c.dst()) { // an identity copy is a no-op, not length reads and writes
                        byte[] buffer = new byte[c.length()];
                        for (int i = 0; i < buffer.length; i++) {
                            buffer[i] = (byte) model.read(c.src() + i);
                        }
                        for (int i = 0; i < buffer.length; i++) {
                            model.write(c.dst() + i, buffer[i]);
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

    /** Addresses biased towards page ends and the hole's edges, where the splits happen. */
    private static Arbitrary<Long> paddr(int bytes) {
        Arbitrary<Long> anywhere = Arbitraries.longs().between(0, SIZE - Math.max(bytes, 1));
        Arbitrary<Long> nearPageEnd = Combinators.combine(Arbitraries.integers().between(0, 15),
                        Arbitraries.integers().between(-8, 8))
                .as((page, delta) -> (long) Math.clamp((page + 1) * 4096L + delta - bytes / 2, 0, SIZE - Math.max(bytes, 1)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, anywhere),
                net.jqwik.api.Tuple.of(3, nearPageEnd));
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> width = Arbitraries.of(1, 2, 4, 8);
        Arbitrary<Op> write = width.flatMap(w -> Combinators.combine(paddr(w), Arbitraries.longs())
                .as((p, v) -> new Op.Write(w, p, v)));
        Arbitrary<Op> read = width.flatMap(w -> paddr(w).map(p -> new Op.Read(w, p)));
        Arbitrary<Integer> length = Arbitraries.integers().between(0, 3 * 4096 + 100).edgeCases(e -> e.includeOnly(0, 1));
        Arbitrary<Op> writeBytes = length.flatMap(n -> Combinators.combine(paddr(n),
                        Arbitraries.bytes().array(byte[].class).ofSize(n))
                .as(Op.WriteBytes::new));
        Arbitrary<Op> readBytes = length.flatMap(n -> paddr(n).map(p -> new Op.ReadBytes(p, n)));
        Arbitrary<Op> fill = length.flatMap(n -> Combinators.combine(paddr(n), Arbitraries.of(0, 0xFF, 0x5A, 0x1C3))
                .as((p, v) -> new Op.Fill(p, n, v)));
        Arbitrary<Op> copy = length.flatMap(n -> Combinators.combine(paddr(n), paddr(n), Arbitraries.integers().between(-64, 64))
                .as((src, dst, shift) -> {
                    // Half the copies overlap: destination a few bytes off the source.
                    long near = Math.clamp(src + shift, 0, SIZE - n);
                    return new Op.Copy(src, shift % 2 == 0 ? near : dst, n);
                }));
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, write),
                        net.jqwik.api.Tuple.of(4, read),
                        net.jqwik.api.Tuple.of(1, writeBytes),
                        net.jqwik.api.Tuple.of(2, readBytes),
                        net.jqwik.api.Tuple.of(1, fill),
                        net.jqwik.api.Tuple.of(2, copy))
                .list().ofMaxSize(40);
    }
}
