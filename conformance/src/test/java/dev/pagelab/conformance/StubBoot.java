package dev.pagelab.conformance;

import dev.pagelab.hw.PhysicalMemory;
import java.util.HexFormat;
import java.util.List;

/**
 * What the stub reports before it does anything else: the CPU's CPUID answers, EAX and EBX at
 * entry, and the bytes of the Multiboot information with everything it points to, put back at
 * their physical addresses in a {@link PhysicalMemory} for pagelab's reader.
 *
 * @param cpuidFeatures      CPUID.01H:EDX
 * @param maxExtendedLeaf    CPUID.80000000H:EAX
 * @param addressSizes       CPUID.80000008H:EAX, or 0 when the CPU does not have that leaf
 * @param magic              EAX at entry
 * @param mbiPaddr           EBX at entry
 * @param memory             4 GiB of zeroes but for the bytes the stub dumped
 * @param imageStart         the first byte of the stub in memory
 * @param imageEnd           the first byte after it (bss, stacks and buffers included)
 * @param moduleStart        where the parameter block is, or -1
 * @param moduleEnd          where it ends, or -1
 */
record StubBoot(int cpuidFeatures, long maxExtendedLeaf, long addressSizes, int magic, long mbiPaddr,
        PhysicalMemory memory, long imageStart, long imageEnd, long moduleStart, long moduleEnd) {
    /** CPUID.01H:EDX.PSE-36, bit 17. */
    static final int CPUID_PSE36 = 1 << 17;

    /** Reads the stub's report from its first line to IMAGE, and MODULE when it follows. */
    static StubBoot read(QemuRun run) {
        List<String> lines = run.linesThrough("IMAGE ");
        if (!lines.get(0).equals("PAGELAB-STUB 1")) {
            throw new IllegalStateException("not the stub's banner: " + lines.get(0) + "\n" + run.context());
        }
        PhysicalMemory memory = PhysicalMemory.ofSize(PhysicalMemory.MAX_BYTES);
        int features = 0;
        long maxExtended = 0;
        long sizes = 0;
        int magic = 0;
        long mbi = -1;
        long imageStart = -1;
        long imageEnd = -1;
        for (String line : lines) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "CPUID" -> {
                    features = (int) hex(f[1]);
                    maxExtended = hex(f[2]);
                    sizes = hex(f[3]);
                }
                case "MAGIC" -> magic = (int) hex(f[1]);
                case "MBI" -> mbi = hex(f[1]);
                case "MEM" -> {
                    byte[] bytes = f.length > 3 ? HexFormat.of().parseHex(f[3]) : new byte[0];
                    if (bytes.length != hex(f[2])) {
                        throw new IllegalStateException("MEM line with " + bytes.length + " bytes, announced " + f[2]);
                    }
                    memory.writeBytes(hex(f[1]), bytes);
                }
                case "IMAGE" -> {
                    imageStart = hex(f[1]);
                    imageEnd = hex(f[2]);
                }
                default -> { }
            }
        }
        long moduleStart = -1;
        long moduleEnd = -1;
        String next = run.line();
        if (next.startsWith("MODULE ")) {
            String[] f = next.split(" ");
            moduleStart = hex(f[1]);
            moduleEnd = hex(f[2]);
        } else if (!next.equals("END")) {
            throw new IllegalStateException("expected MODULE or END after IMAGE, got: " + next + "\n" + run.context());
        }
        return new StubBoot(features, maxExtended, sizes, magic, mbi, memory, imageStart, imageEnd,
                moduleStart, moduleEnd);
    }

    /**
     * M, the physical-address width that 32-bit paging uses (SDM vol. 3A, 4.3 and table 4-4):
     * 32 without PSE-36; with it, MAXPHYADDR (CPUID.80000008H:EAX[7:0], or 36 when that leaf is
     * missing) but at most 40.
     */
    int pagingAddressBits() {
        if ((cpuidFeatures & CPUID_PSE36) == 0) {
            return 32;
        }
        return maxExtendedLeaf >= 0x8000_0008L ? (int) Math.min(40, addressSizes & 0xFF) : 36;
    }

    static long hex(String digits) {
        return Long.parseUnsignedLong(digits, 16);
    }
}
