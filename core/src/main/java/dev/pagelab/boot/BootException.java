package dev.pagelab.boot;

/**
 * The boot cannot go on: a kernel file that is not an ELF32 i386 executable, a segment outside
 * RAM or on top of reserved memory, a module that does not fit, a wrong bootloader magic.
 *
 * <p>Like {@link MemoryMapException}, the message names the source (a file, or the structure
 * in memory), the location inside it (an offset, an address; empty for the whole source), and
 * what was expected. Nothing has been loaded when it is thrown.
 */
public final class BootException extends BadInputException {
    private static final long serialVersionUID = 1L;

    /** A problem at {@code location} of {@code source}; the message reads {@code "source, location: problem"}. */
    public BootException(String source, String location, String problem) {
        super(source, location, problem);
    }
}
