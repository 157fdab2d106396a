package dev.pagelab.conformance;

import dev.pagelab.hw.PageFault;

/**
 * What one access did: it completed (with the value a read returned), or it raised a page
 * fault with CR2 and an error code. Both sides, QEMU's stub and pagelab's MMU, report one.
 *
 * @param faulted   whether it faulted
 * @param value     the value read (0 for writes), when it completed
 * @param cr2       CR2, when it faulted
 * @param errorCode the page-fault error code, when it faulted
 */
record Outcome(boolean faulted, long value, long cr2, int errorCode) {
    static Outcome completed(long value) {
        return new Outcome(false, value & 0xFFFF_FFFFL, 0, 0);
    }

    static Outcome fault(long cr2, int errorCode) {
        return new Outcome(true, 0, cr2, errorCode);
    }

    /** Parses the stub's {@code A <index> <value>} or {@code F <index> <cr2> <error code>} for access {@code index}. */
    static Outcome parse(String line, int index) {
        String[] f = line.split(" ");
        if (f.length < 3 || StubBoot.hex(f[1]) != index || !(f[0].equals("A") && f.length == 3 || f[0].equals("F") && f.length == 4)) {
            throw new IllegalStateException("expected the outcome of access " + index + ", got: " + line);
        }
        return f[0].equals("A") ? completed(StubBoot.hex(f[2])) : fault(StubBoot.hex(f[2]), (int) StubBoot.hex(f[3]));
    }

    /** The same outcome but for the value, which only tagged memory makes comparable. */
    boolean sameButValue(Outcome other) {
        return faulted == other.faulted && cr2 == other.cr2 && errorCode == other.errorCode;
    }

    @Override
    public String toString() {
        return faulted ? String.format("#PF CR2=0x%08X error=0x%X (%s)", cr2, errorCode, PageFault.decodeErrorCode(errorCode))
                : String.format("completed, value 0x%X", value);
    }
}
