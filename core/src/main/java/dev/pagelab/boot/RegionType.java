package dev.pagelab.boot;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The type of a memory-map region: the 32-bit number that the BIOS call INT 15h, EAX=E820h
 * returns (ACPI 6.x, table 15-374 "Address Range Types"), that Multiboot 1 and 2 copy into their
 * mmap entries, and that Linux keeps in its E820 table.
 *
 * <pre>
 *  code        ACPI name                       Linux dmesg (E820 lines)   /sys/firmware/memmap/N/type
 *  1           AddressRangeMemory              usable                     System RAM
 *  2           AddressRangeReserved            reserved                   Reserved
 *  3           AddressRangeACPI                ACPI data                  ACPI Tables
 *  4           AddressRangeNVS                 ACPI NVS                   ACPI Non-volatile Storage
 *  5           AddressRangeUnusable            unusable                   Unusable memory
 *  7           AddressRangePersistentMemory    persistent (type 7)        Persistent Memory
 *  12          OEM defined (Linux: old PRAM)   persistent (type 12)       Persistent Memory (legacy)
 *  0xEFFFFFFF  - (Linux: soft reserved)        soft reserved              Soft Reserved
 *  any other   reserved                        type N                     Unknown E820 type
 * </pre>
 *
 * <p>Only type 1 is memory the kernel may use. Every other value is reserved, but keeps its
 * number: it is printed as {@code type 13}, and it takes part in the overlap rule with its own
 * value. The names are Linux's own ({@code e820_print_type} and {@code e820_type_to_string} in
 * {@code arch/x86/kernel/e820.c}); they are used both to print and to parse.
 *
 * <p><b>Overlap rule.</b> Where regions overlap, the higher type number wins, compared as an
 * unsigned 32-bit number (Linux's {@code e820__update_table}); see {@link #outranks}.
 *
 * @param code the type as the firmware wrote it, an unsigned 32-bit value held in an {@code int}
 */
public record RegionType(int code) {
    /** Type 1: RAM the operating system may use. */
    public static final RegionType USABLE = new RegionType(1);
    /** Type 2: in use or reserved by the system; not to be used. */
    public static final RegionType RESERVED = new RegionType(2);
    /** Type 3: ACPI tables; usable once the OS has read them. */
    public static final RegionType ACPI_RECLAIMABLE = new RegionType(3);
    /** Type 4: ACPI non-volatile storage, to be kept across sleep states. */
    public static final RegionType ACPI_NVS = new RegionType(4);
    /** Type 5: memory in which errors have been detected. */
    public static final RegionType BAD = new RegionType(5);
    /** Type 7: persistent memory (ACPI 6). */
    public static final RegionType PERSISTENT = new RegionType(7);
    /** Type 12: what Linux calls legacy persistent RAM (PRAM); OEM-defined for ACPI. */
    public static final RegionType PERSISTENT_LEGACY = new RegionType(12);
    /** Linux's soft-reserved memory (0xEFFFFFFF), a kernel-internal type that sysfs may show. */
    public static final RegionType SOFT_RESERVED = new RegionType(0xEFFF_FFFF);

    private static final List<RegionType> NAMED = List.of(USABLE, RESERVED, ACPI_RECLAIMABLE, ACPI_NVS, BAD,
            PERSISTENT, PERSISTENT_LEGACY, SOFT_RESERVED);
    private static final String UNKNOWN_SYSFS_NAME = "Unknown E820 type";

    /** The type with this code; the named constants for the codes they hold. */
    public static RegionType of(int code) {
        for (RegionType named : NAMED) {
            if (named.code == code) {
                return named;
            }
        }
        return new RegionType(code);
    }

    /** The code as an unsigned value, 0 to 0xFFFFFFFF. */
    public long unsignedCode() {
        return Integer.toUnsignedLong(code);
    }

    /** Whether the kernel may use memory of this type (type 1 only). */
    public boolean isUsable() {
        return code == 1;
    }

    /** Whether this type wins over {@code other} where two regions overlap: a higher unsigned code. */
    public boolean outranks(RegionType other) {
        return Integer.compareUnsigned(code, other.code) > 0;
    }

    /** The higher-ranking of two types (the overlap rule). */
    public static RegionType winner(RegionType a, RegionType b) {
        return b.outranks(a) ? b : a;
    }

    /** The name Linux prints after an E820 range: {@code usable}, {@code ACPI data}, {@code type 13}. */
    public String e820Name() {
        return switch (code) {
            case 1 -> "usable";
            case 2 -> "reserved";
            case 3 -> "ACPI data";
            case 4 -> "ACPI NVS";
            case 5 -> "unusable";
            case 7, 12 -> "persistent (type " + code + ")";
            case 0xEFFF_FFFF -> "soft reserved";
            default -> "type " + Integer.toUnsignedString(code);
        };
    }

    /**
     * The name Linux writes to {@code /sys/firmware/memmap/N/type}: {@code System RAM},
     * {@code Reserved}, ..., and {@code Unknown E820 type} for unnamed codes (sysfs loses the number).
     */
    public String sysfsName() {
        return switch (code) {
            case 1 -> "System RAM";
            case 2 -> "Reserved";
            case 3 -> "ACPI Tables";
            case 4 -> "ACPI Non-volatile Storage";
            case 5 -> "Unusable memory";
            case 7 -> "Persistent Memory";
            case 12 -> "Persistent Memory (legacy)";
            case 0xEFFF_FFFF -> "Soft Reserved";
            default -> UNKNOWN_SYSFS_NAME;
        };
    }

    /**
     * Parses a type as Linux prints it in an E820 line, in either the current form
     * ({@code usable}, {@code ACPI data}, {@code persistent (type 7)}, {@code type 13}) or the older
     * parenthesised one ({@code (usable)}); case and surrounding blanks do not matter.
     *
     * @return the type, or empty when the text is none of these
     */
    public static Optional<RegionType> fromE820Name(String text) {
        String t = text.strip();
        if (t.length() >= 2 && t.startsWith("(") && t.endsWith(")")) {
            t = t.substring(1, t.length() - 1).strip();
        }
        String lower = t.toLowerCase(Locale.ROOT);
        for (RegionType named : NAMED) {
            if (named.e820Name().toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(named);
            }
        }
        // "type N", and "persistent (type N)" for any N that a newer kernel might print that way
        String number = lower.startsWith("type ") ? lower.substring(5)
                : lower.startsWith("persistent (type ") && lower.endsWith(")")
                        ? lower.substring("persistent (type ".length(), lower.length() - 1)
                        : null;
        if (number == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(of(Integer.parseUnsignedInt(number.strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses a type as Linux writes it to {@code /sys/firmware/memmap/N/type}. Case and
     * surrounding blanks do not matter. {@code Unknown E820 type} gives {@link #RESERVED}: sysfs
     * has lost the number, and every unnamed type is reserved.
     *
     * @return the type, or empty when the text is not a name Linux writes there
     */
    public static Optional<RegionType> fromSysfsName(String text) {
        String t = text.strip();
        for (RegionType named : NAMED) {
            if (named.sysfsName().equalsIgnoreCase(t)) {
                return Optional.of(named);
            }
        }
        return UNKNOWN_SYSFS_NAME.equalsIgnoreCase(t) ? Optional.of(RESERVED) : Optional.empty();
    }

    /** The E820 names that {@link #fromE820Name} accepts, for error messages. */
    static String e820NamesForMessages() {
        StringBuilder names = new StringBuilder();
        for (RegionType named : NAMED) {
            names.append(named.e820Name()).append(", ");
        }
        return names.append("type N").toString();
    }

    /** The sysfs names that {@link #fromSysfsName} accepts, for error messages. */
    static String sysfsNamesForMessages() {
        StringBuilder names = new StringBuilder();
        for (RegionType named : NAMED) {
            names.append(named.sysfsName()).append(", ");
        }
        return names.append(UNKNOWN_SYSFS_NAME).toString();
    }

    /** The E820 name: {@code usable}, {@code type 13}. */
    @Override
    public String toString() {
        return e820Name();
    }
}
