package dev.pagelab.boot;

/**
 * A Multiboot 2 information structure built tag by tag from the specification (2.0, 3.6), as
 * GRUB would leave it for a 128 MiB QEMU pc machine.
 *
 * <pre>
 *  offset   0  total_size, reserved
 *           8  tag 1 cmdline  "kernel.elf quiet"       size 25, padded to 32
 *          40  tag 2 loader   "GRUB 2.06"              size 18, padded to 24
 *          64  tag 4 basic meminfo 639, 129920         size 16
 *          80  tag 3 module 0x200000-0x201234 "initrd" size 23, padded to 24
 *         104  tag 6 mmap, entry_size 24, version 0    size 16 + 6 x 24 = 160
 *         264  tag 0 end                               size 8
 *         272  (total_size)
 * </pre>
 */
final class Mb2Fixture {
    static final int MMAP_TAG_OFFSET = 104;
    static final int END_TAG_OFFSET = 264;
    static final int TOTAL = 272;

    private Mb2Fixture() {
    }

    static LeBytes mmapTag(LeBytes b, long[][] entries, int entrySize, int version) {
        b.u32(6).u32(16 + (long) entries.length * entrySize).u32(entrySize).u32(version);
        for (long[] e : entries) {
            b.u64(e[0]).u64(e[1]).u32(e[2]).u32(0);
            for (int pad = 24; pad < entrySize; pad++) {
                b.u8(0xEE);
            }
        }
        return b;
    }

    static byte[] grubLike() {
        LeBytes b = new LeBytes().u32(0).u32(0);
        b.u32(1).u32(8 + 17).cstring("kernel.elf quiet").align(8);
        b.u32(2).u32(8 + 10).cstring("GRUB 2.06").align(8);
        b.u32(4).u32(16).u32(639).u32(129_920);
        b.u32(3).u32(16 + 7).u32(0x20_0000).u32(0x20_1234).cstring("initrd").align(8);
        mmapTag(b, Mbi1Fixture.QEMU_PC_128M, 24, 0);
        b.u32(0).u32(8);
        byte[] bytes = b.toArray();
        LeBytes.put32(bytes, 0, bytes.length);
        return bytes;
    }
}
