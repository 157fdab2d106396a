package dev.pagelab.trace;

/**
 * How to read a trace.
 *
 * @param format       the format, or {@code null} to detect it from the content (see {@link Traces#open})
 * @param pageSize     bytes a page, a power of two from 1 to 2^30 (default 4096): lackey and vmsim
 *                     addresses become page numbers by {@code address >>> log2(pageSize)}; plain and
 *                     oracle-general traces hold page numbers already and ignore it
 * @param instructions whether lackey's {@code I} lines (instruction fetches) are kept (default true)
 */
public record TraceOptions(TraceFormat format, int pageSize, boolean instructions) {
    /** The default page size: 4 KiB, the x86 page. */
    public static final int DEFAULT_PAGE_SIZE = 4096;
    /** The largest page size accepted: 1 GiB. */
    public static final int MAX_PAGE_SIZE = 1 << 30;
    /** Detect the format, 4 KiB pages, keep instruction fetches. */
    public static final TraceOptions DEFAULTS = new TraceOptions(null, DEFAULT_PAGE_SIZE, true);

    /** Checks the page size. */
    public TraceOptions {
        checkPageSize(pageSize);
    }

    /**
     * Throws unless {@code pageSize} is a power of two from 1 to {@link #MAX_PAGE_SIZE}.
     *
     * @throws IllegalArgumentException naming the value
     */
    public static void checkPageSize(long pageSize) {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size " + pageSize
                    + " bytes: expected a power of two from 1 to " + MAX_PAGE_SIZE + " (e.g. 4096)");
        }
    }

    /** log2 of the page size: the shift from an address to its page number. */
    public int pageShift() {
        return Integer.numberOfTrailingZeros(pageSize);
    }

    /** These options with {@code format} ({@code null}: detect). */
    public TraceOptions withFormat(TraceFormat format) {
        return new TraceOptions(format, pageSize, instructions);
    }

    /** These options with {@code pageSize}. */
    public TraceOptions withPageSize(int pageSize) {
        return new TraceOptions(format, pageSize, instructions);
    }

    /** These options with lackey's instruction fetches kept or dropped. */
    public TraceOptions withInstructions(boolean instructions) {
        return new TraceOptions(format, pageSize, instructions);
    }
}
