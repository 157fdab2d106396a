package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.util.Objects;

/**
 * A machine to boot: its RAM, how that RAM is laid out around the holes below 4 GiB, and the E820
 * map its firmware reports. The built-in ones are in {@link MachineProfiles}.
 *
 * <pre>
 *  0          0xA0000      0x100000          lowRamBytes          4 GiB          4 GiB + highRamBytes
 *  |-- RAM ---|-VGA, ROMs--|------ RAM -------|--- PCI hole, ---|---- RAM --------|
 *                                                 firmware ROM      (not addressable without PAE)
 * </pre>
 *
 * @param name        what the user types: {@code qemu-pc-128M}
 * @param description one line for people
 * @param ramBytes    all RAM of the machine ({@code -m})
 * @param lowRamBytes the RAM below 4 GiB, from address 0 (QEMU's {@code below_4g_mem_size});
 *                    the rest, if any, starts at 4 GiB
 * @param map         the sanitised E820 map the firmware reports
 */
public record MachineProfile(String name, String description, long ramBytes, long lowRamBytes, MemoryMap map) {
    /** Where the legacy VGA window and option ROMs start: not RAM to the CPU. */
    public static final long LEGACY_HOLE_PADDR = 0xA_0000;
    /** Where the legacy hole ends: 1 MiB. */
    public static final long LEGACY_HOLE_END = 0x10_0000;

    /** @throws IllegalArgumentException when the RAM sizes are inconsistent */
    public MachineProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(map, "map");
        if (lowRamBytes <= LEGACY_HOLE_END || lowRamBytes > PhysicalMemory.MAX_BYTES || lowRamBytes > ramBytes
                || !Addresses.isPageAligned(lowRamBytes)) {
            throw new IllegalArgumentException("machine " + name + ": RAM below 4 GiB " + Addresses.hex(lowRamBytes)
                    + " must be 4 KiB aligned, above 1 MiB, at most 4 GiB and at most the RAM " + Addresses.hex(ramBytes));
        }
    }

    /** RAM at and above 4 GiB, which a 32-bit machine without PAE cannot address. */
    public long highRamBytes() {
        return ramBytes - lowRamBytes;
    }

    /**
     * A fresh, zeroed physical memory for this machine: the full 4 GiB physical address space of a
     * 32-bit PC, RAM in [0, 0xA0000) and [1 MiB, lowRamBytes), and holes (reads 0xFF, writes
     * dropped) for the VGA window and ROMs [0xA0000, 1 MiB) and for everything from
     * {@code lowRamBytes} to 4 GiB (PCI hole, MMCONFIG, APIC, firmware ROM). RAM above 4 GiB is
     * not there: a 32-bit CPU without PAE cannot address it. Sparse, so it costs little until
     * written.
     */
    public PhysicalMemory physicalMemory() {
        PhysicalMemory.Builder builder = PhysicalMemory.builder(PhysicalMemory.MAX_BYTES)
                .hole(LEGACY_HOLE_PADDR, LEGACY_HOLE_END - LEGACY_HOLE_PADDR);
        if (lowRamBytes < PhysicalMemory.MAX_BYTES) {
            builder.hole(lowRamBytes, PhysicalMemory.MAX_BYTES - lowRamBytes);
        }
        return builder.build();
    }

    /** {@code qemu-pc-128M: QEMU pc ... }. */
    @Override
    public String toString() {
        return name + ": " + description;
    }
}
