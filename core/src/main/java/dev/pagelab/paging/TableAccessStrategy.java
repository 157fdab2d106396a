package dev.pagelab.paging;

import java.util.Arrays;
import java.util.Locale;

/** How the kernel reaches page-table frames once paging is on: the kernel configuration's choice. */
public enum TableAccessStrategy {
    /**
     * The seeds' way: entry 1023 of the kernel's first page table is a window at
     * {@link KernelLayout#TEMPORARY_SLOT}; a table frame (or the frame of a directory other than
     * the kernel's) is mapped there, used, and unmapped, with an INVLPG each time.
     */
    TEMPORARY_MAPPING("temporary-mapping"),
    /**
     * The last directory entry points at the directory itself, so every page table appears at
     * {@link KernelLayout#RECURSIVE_TABLES} and the directory at
     * {@link KernelLayout#RECURSIVE_DIRECTORY}; PDE 1022 of the loaded directory points at
     * another directory to reach its tables at {@link KernelLayout#ALTERNATE_TABLES}.
     */
    RECURSIVE("recursive"),
    /**
     * Low physical memory is mapped at {@link KernelLayout#KERNEL_BASE} + physical address, as
     * Linux maps lowmem; page-table and directory frames are taken from low memory.
     */
    DIRECT_MAP("direct-map");

    private final String label;

    TableAccessStrategy(String label) {
        this.label = label;
    }

    /** The name used by the command line and scenarios. */
    public String label() {
        return label;
    }

    /**
     * The strategy called {@code name} ({@code temporary-mapping}, {@code recursive},
     * {@code direct-map}; case and underscores do not matter).
     *
     * @throws IllegalArgumentException naming the known strategies
     */
    public static TableAccessStrategy byName(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (TableAccessStrategy s : values()) {
            if (s.label.equals(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown page-table access strategy '" + name + "' (known: "
                + String.join(", ", Arrays.stream(values()).map(TableAccessStrategy::label).toList()) + ")");
    }

    @Override
    public String toString() {
        return label;
    }
}
