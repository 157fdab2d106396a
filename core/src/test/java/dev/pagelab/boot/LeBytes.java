package dev.pagelab.boot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds little-endian byte sequences field by field, the way the specifications draw them. */
final class LeBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    LeBytes u8(int value) {
        out.write(value);
        return this;
    }

    LeBytes u32(long value) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (value >>> (8 * i)));
        }
        return this;
    }

    LeBytes u64(long value) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (value >>> (8 * i)));
        }
        return this;
    }

    /** The string's bytes and a NUL. */
    LeBytes cstring(String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        return this;
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    LeBytes align(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toArray() {
        return out.toByteArray();
    }

    /** Overwrites the 32-bit value at {@code offset} of {@code bytes}. */
    static void put32(byte[] bytes, int offset, long value) {
        for (int i = 0; i < 4; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
