package dev.pagelab.hw;

/**
 * A page fault (#PF, vector 14) as the processor reports it: the linear address that CR2
 * receives and the error code pushed on the stack (SDM vol. 3A, 4.7), plus where in the walk
 * it happened, which the hardware does not say but a learner wants to know.
 *
 * <pre>
 *  error code:    4     3      2     1     0
 *             +-----+------+-----+-----+-----+
 *             | I/D | RSVD | U/S | W/R |  P  |
 *             +-----+------+-----+-----+-----+
 *  P    0 = no translation (a P flag was 0), 1 = protection violation or reserved bit
 *  W/R  0 = the access was a read, 1 = a write
 *  U/S  0 = CPL 0-2 (supervisor) access, 1 = CPL 3 (user) access
 *  RSVD 1 = a reserved bit was set in a paging entry
 *  I/D  1 = an instruction fetch, but only with CR4.SMEP or PAE with EFER.NXE: always 0 here
 * </pre>
 *
 * @param linearAddress the faulting address, as loaded into CR2
 * @param errorCode     the error code bits above
 * @param cause         the rule that failed
 * @param entryPaddr    physical address of the entry that decided the fault (the PDE or the
 *                      PTE); for protection faults, the leaf entry
 */
public record PageFault(long linearAddress, int errorCode, Cause cause, long entryPaddr) {
    /** Error code bit 0: 1 = protection violation (or reserved bit), 0 = not present. */
    public static final int ERR_PRESENT = 1;
    /** Error code bit 1: the access was a write. */
    public static final int ERR_WRITE = 1 << 1;
    /** Error code bit 2: the access came from CPL 3. */
    public static final int ERR_USER = 1 << 2;
    /** Error code bit 3: a reserved bit was set in a paging entry. */
    public static final int ERR_RESERVED = 1 << 3;
    /**
     * Error code bit 4 (I/D): the access was an instruction fetch. The processor sets it only
     * with CR4.SMEP or with PAE paging and EFER.NXE, none of which pagelab models, so no fault
     * here has it; a fetch faults as a read does.
     */
    public static final int ERR_INSTRUCTION_FETCH = 1 << 4;

    /** Which rule of the walk failed. */
    public enum Cause {
        /** The page-directory entry has P=0. */
        DIRECTORY_NOT_PRESENT("the page-directory entry is not present"),
        /** The page-table entry has P=0. */
        TABLE_NOT_PRESENT("the page-table entry is not present"),
        /** A 4 MiB page-directory entry has a reserved bit set. */
        RESERVED_BIT("a reserved bit is set in the 4 MiB page-directory entry"),
        /** A CPL 3 access met U/S=0 in the directory or table entry. */
        USER_TO_SUPERVISOR("a CPL 3 access to a supervisor page (U/S=0)"),
        /** A write met R/W=0 at CPL 3, or at CPL 0 with CR0.WP=1. */
        WRITE_TO_READ_ONLY("a write to a read-only page (R/W=0)");

        private final String text;

        Cause(String text) {
            this.text = text;
        }

        /** A sentence fragment saying what went wrong. */
        public String text() {
            return text;
        }
    }

    /** Whether the page was present and the access broke its rights (error code bit 0). */
    public boolean isProtectionViolation() {
        return (errorCode & ERR_PRESENT) != 0;
    }

    /** Whether the faulting access was a write (bit 1). */
    public boolean isWrite() {
        return (errorCode & ERR_WRITE) != 0;
    }

    /** Whether the faulting access came from CPL 3 (bit 2). */
    public boolean isUser() {
        return (errorCode & ERR_USER) != 0;
    }

    /** Whether a reserved bit caused the fault (bit 3). */
    public boolean isReservedBit() {
        return (errorCode & ERR_RESERVED) != 0;
    }

    /** The error code decoded: {@code "P=1 protection, W/R=1 write, U/S=0 supervisor, RSVD=0"}. */
    public String decodedErrorCode() {
        return decodeErrorCode(errorCode);
    }

    /** Decodes any page-fault error code the way {@link #decodedErrorCode()} does. */
    public static String decodeErrorCode(int errorCode) {
        return "P=" + (errorCode & 1) + ((errorCode & ERR_PRESENT) != 0 ? " protection" : " not-present")
                + ", W/R=" + ((errorCode >> 1) & 1) + ((errorCode & ERR_WRITE) != 0 ? " write" : " read")
                + ", U/S=" + ((errorCode >> 2) & 1) + ((errorCode & ERR_USER) != 0 ? " user" : " supervisor")
                + ", RSVD=" + ((errorCode >> 3) & 1);
    }

    @Override
    public String toString() {
        return "#PF at " + Addresses.hex(linearAddress) + " error code " + String.format("0x%X", errorCode)
                + " (" + decodedErrorCode() + "): " + cause.text() + ", entry at " + Addresses.hex(entryPaddr);
    }
}
