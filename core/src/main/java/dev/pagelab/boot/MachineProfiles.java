package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The built-in machines: QEMU's {@code pc} (i440FX + PIIX) and {@code q35} (Q35 + ICH9) machines
 * with their default firmware, SeaBIOS, booted with TCG, as QEMU 7.2 builds them. Each map is the
 * E820 table SeaBIOS hands to the loader (and GRUB or QEMU's {@code -kernel} copies into the
 * Multiboot mmap).
 *
 * <h2>Where RAM goes (QEMU)</h2>
 * QEMU splits {@code -m} into RAM below 4 GiB from address 0 and, if it does not fit, the rest
 * from 4 GiB ({@code below_4g_mem_size} / {@code above_4g_mem_size}):
 * <ul>
 *   <li><b>pc</b> ({@code hw/i386/pc_piix.c}, {@code pc_init1}): the traditional split is 3.5 GiB
 *       ({@code max-ram-below-4g} defaults to 0xE0000000); when RAM is at least that, machine
 *       types with {@code gigabyte_align} (all current ones) move the split down to 3 GiB. So
 *       {@code -m 3G} is all below 4 GiB, {@code -m 4G} is 3 GiB low and 1 GiB from 4 GiB.
 *   <li><b>q35</b> ({@code hw/i386/pc_q35.c}, {@code pc_q35_init}): the split leaves room for
 *       the 256 MiB MMCONFIG window as well: with RAM of at least 0xB0000000 (2.75 GiB) the low
 *       part is 2 GiB, otherwise up to 2.75 GiB. So {@code -m 3G} is 2 GiB low and 1 GiB from 4 GiB.
 * </ul>
 *
 * <h2>What SeaBIOS reports (E820)</h2>
 * <pre>
 *  usable    [0x00000000, 0x0009FC00)   conventional memory below the EBDA
 *  reserved  [0x0009FC00, 0x000A0000)   the 1 KiB extended BIOS data area
 *  reserved  [0x000F0000, 0x00100000)   the BIOS itself (BUILD_BIOS_ADDR, 64 KiB)
 *  usable    [0x00100000, low - 128 KiB)
 *  reserved  [low - 128 KiB, low)       SeaBIOS's high tables (ACPI, SMBIOS, its ZoneHigh)
 *  reserved  [0xB0000000, 0xC0000000)   q35 only: MMCONFIG (PCIEXBAR, 256 buses x 1 MiB),
 *                                       added by SeaBIOS's mch_mem_addr_setup
 *  reserved  [0xFED1C000, 0xFED20000)   q35 only: the ICH9 root complex register block (RCBA,
 *                                       16 KiB), which SeaBIOS maps and reserves
 *  reserved  [0xFFFC0000, 4 GiB)        the 256 KiB BIOS ROM mapped below 4 GiB
 *  usable    [4 GiB, 4 GiB + high)      when RAM does not fit below 4 GiB
 * </pre>
 * The VGA window and option ROMs [0xA0000, 0xF0000) are simply not listed.
 *
 * <h2>Checked against QEMU</h2>
 * The conformance suite ({@code conformance/}, {@code MemoryMapConformanceTest}) boots
 * {@code qemu-system-i386} 7.2 (TCG, SeaBIOS 1.16) with every profile's machine and size and
 * requires that the Multiboot map QEMU's {@code -kernel} loader hands over is this map, entry for
 * entry. That settled what was written from documentation: the reservation at the top of low RAM
 * is 128 KiB for every size from 16 MiB to 3 GiB; TCG adds no KVM identity-map entry; QEMU's
 * loader passes every E820 entry, the last one included; the q35 split is 2 GiB for 3 GiB of
 * RAM; and q35 has one more reserved entry, the ICH9 RCBA, which the first version of these
 * profiles missed. The {@code max-ram-below-4g} machine option, which changes the split, is not
 * modelled.
 *
 * <h2>Why qemu-pc-128M has 32,639 usable frames</h2>
 * Whole frames only: [0, 0x9FC00) holds frames 0x00 to 0x9E (the last 3 KiB are a partial
 * frame), 159 frames; [0x100000, 0x7FE0000) holds frames 0x100 to 0x7FDF, 0x7EE0 = 32,480
 * frames. 159 + 32,480 = 32,639.
 */
public final class MachineProfiles {
    /** The reserved block SeaBIOS keeps at the top of RAM below 4 GiB. */
    public static final long SEABIOS_HIGH_TABLE_BYTES = 128L << 10;
    /** Where conventional memory ends: SeaBIOS puts the 1 KiB EBDA at 639 KiB. */
    public static final long EBDA_PADDR = 0x9_FC00;
    /** The BIOS image in the F segment. */
    public static final long BIOS_PADDR = 0xF_0000;
    /** The BIOS ROM mapped just below 4 GiB. */
    public static final long BIOS_ROM_PADDR = 0xFFFC_0000L;
    /** q35's MMCONFIG (PCI Express ECAM) window. */
    public static final long Q35_MMCONFIG_PADDR = 0xB000_0000L;
    /** Size of q35's MMCONFIG window: 256 buses x 32 devices x 8 functions x 4 KiB. */
    public static final long Q35_MMCONFIG_BYTES = 256L << 20;
    /** q35's ICH9 root complex register block (the LPC bridge's RCBA), which SeaBIOS reserves. */
    public static final long Q35_RCBA_PADDR = 0xFED1_C000L;
    /** Size of the root complex register block. */
    public static final long Q35_RCBA_BYTES = 16L << 10;

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long FOUR_GIB = 4 * GIB;

    private static final List<MachineProfile> ALL = List.of(
            qemuPc(16 * MIB), qemuPc(128 * MIB), qemuPc(GIB), qemuPc(3 * GIB), qemuPc(4 * GIB),
            qemuQ35(128 * MIB), qemuQ35(3 * GIB));

    private MachineProfiles() {
    }

    /** Every built-in machine, smallest {@code pc} first, then {@code q35}. */
    public static List<MachineProfile> all() {
        return ALL;
    }

    /** The names of the built-in machines, in {@link #all()} order. */
    public static List<String> names() {
        return ALL.stream().map(MachineProfile::name).toList();
    }

    /**
     * The built-in machine called {@code name}; case does not matter.
     *
     * @throws IllegalArgumentException listing the known names, when there is none by that name
     */
    public static MachineProfile byName(String name) {
        for (MachineProfile profile : ALL) {
            if (profile.name().equalsIgnoreCase(name.strip())) {
                return profile;
            }
        }
        throw new IllegalArgumentException("unknown machine '" + name + "' (known machines: "
                + String.join(", ", names()) + ")");
    }

    /**
     * QEMU's {@code pc} machine with {@code -m ramBytes}, SeaBIOS, TCG.
     *
     * @param ramBytes a whole number of MiB, at least 2 MiB
     * @throws IllegalArgumentException for other sizes
     */
    public static MachineProfile qemuPc(long ramBytes) {
        checkRam(ramBytes);
        long low = ramBytes;
        if (ramBytes >= 0xE000_0000L) {
            low = 0xC000_0000L; // gigabyte_align: the 3.5 GiB split moves to 3 GiB
        }
        return profile("qemu-pc-" + sizeName(ramBytes), "QEMU 7.2 pc (i440FX + PIIX), SeaBIOS, -m " + sizeName(ramBytes),
                ramBytes, low, false);
    }

    /**
     * QEMU's {@code q35} machine with {@code -m ramBytes}, SeaBIOS, TCG.
     *
     * @param ramBytes a whole number of MiB, at least 2 MiB
     * @throws IllegalArgumentException for other sizes
     */
    public static MachineProfile qemuQ35(long ramBytes) {
        checkRam(ramBytes);
        long split = ramBytes >= 0xB000_0000L ? 0x8000_0000L : 0xB000_0000L;
        long low = Math.min(ramBytes, split);
        return profile("qemu-q35-" + sizeName(ramBytes), "QEMU 7.2 q35 (Q35 + ICH9), SeaBIOS, -m " + sizeName(ramBytes),
                ramBytes, low, true);
    }

    private static MachineProfile profile(String name, String description, long ramBytes, long low, boolean q35) {
        List<MemoryRegion> e820 = new ArrayList<>();
        e820.add(MemoryRegion.between(0, EBDA_PADDR, RegionType.USABLE));
        e820.add(MemoryRegion.between(EBDA_PADDR, MachineProfile.LEGACY_HOLE_PADDR, RegionType.RESERVED));
        e820.add(MemoryRegion.between(BIOS_PADDR, MachineProfile.LEGACY_HOLE_END, RegionType.RESERVED));
        e820.add(MemoryRegion.between(MachineProfile.LEGACY_HOLE_END, low - SEABIOS_HIGH_TABLE_BYTES, RegionType.USABLE));
        e820.add(MemoryRegion.between(low - SEABIOS_HIGH_TABLE_BYTES, low, RegionType.RESERVED));
        if (q35) {
            e820.add(new MemoryRegion(Q35_MMCONFIG_PADDR, Q35_MMCONFIG_BYTES, RegionType.RESERVED));
            e820.add(new MemoryRegion(Q35_RCBA_PADDR, Q35_RCBA_BYTES, RegionType.RESERVED));
        }
        e820.add(MemoryRegion.between(BIOS_ROM_PADDR, FOUR_GIB, RegionType.RESERVED));
        if (ramBytes > low) {
            e820.add(new MemoryRegion(FOUR_GIB, ramBytes - low, RegionType.USABLE));
        }
        return new MachineProfile(name, description, ramBytes, low, MemoryMap.of(e820));
    }

    private static void checkRam(long ramBytes) {
        if (ramBytes < 2 * MIB || ramBytes % MIB != 0 || ramBytes > (1L << 40)) {
            throw new IllegalArgumentException("RAM size " + Addresses.hex(ramBytes)
                    + " must be a whole number of MiB between 2 MiB and 1 TiB");
        }
    }

    /** {@code 128M}, {@code 3G}: as QEMU's {@code -m} takes it. */
    private static String sizeName(long ramBytes) {
        return ramBytes % GIB == 0 ? ramBytes / GIB + "G" : (ramBytes / MIB + "M").toUpperCase(Locale.ROOT);
    }
}
