package dev.pagelab.trace;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The trace file formats pagelab reads; {@link #cliName()} is the name {@code --format} takes.
 *
 * <pre>
 *  lackey          valgrind --tool=lackey --trace-mem=yes:  "I  04016d1a,3", " L 1ffefffd30,8", " S ...", " M ..."
 *  plain           one page number a line (decimal, or hex with 0x); blank lines and # comments skipped
 *  vmsim           "ADDRESS R|W [PID]": address in hex (0x optional), R or W, an optional decimal pid
 *  oracle-general  libCacheSim's binary: 24-byte little-endian records (u32 time, u64 id, u32 size, i64 next)
 * </pre>
 *
 * {@link Traces#open} documents each format's exact rules and how a format is detected.
 */
public enum TraceFormat {
    LACKEY("lackey"),
    PLAIN("plain"),
    VMSIM("vmsim"),
    ORACLE_GENERAL("oracle-general");

    private final String cliName;

    TraceFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and in reports: {@code lackey}, {@code plain}, {@code vmsim}, {@code oracle-general}. */
    public String cliName() {
        return cliName;
    }

    /** True for the formats {@link Traces#create} can write: plain, vmsim and oracle-general. */
    public boolean writable() {
        return this != LACKEY;
    }

    /**
     * The format named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value and listing every format's name
     */
    public static TraceFormat fromCliName(String name) {
        for (TraceFormat f : values()) {
            if (f.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown trace format '" + name + "' (expected one of " + names() + ")");
    }

    /** Every format's name, comma-separated: {@code lackey, plain, vmsim, oracle-general}. */
    public static String names() {
        return Arrays.stream(values()).map(TraceFormat::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
