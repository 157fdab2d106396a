package dev.pagelab.trace;

/** How a trace file is compressed; recognised by its magic bytes, never by its name. */
public enum Compression {
    /** Not compressed. */
    NONE("none"),
    /** gzip (RFC 1952; magic 1f 8b), several members allowed, as {@code cat a.gz b.gz} makes. */
    GZIP("gzip"),
    /** Zstandard (RFC 8878; magic 28 b5 2f fd), several frames allowed. */
    ZSTD("zstd");

    private final String label;

    Compression(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
