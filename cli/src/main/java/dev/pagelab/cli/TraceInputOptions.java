package dev.pagelab.cli;

import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of every command that reads traces ({@code trace stats}, {@code trace convert}, and
 * {@code replay}): {@code --format}, {@code --page-size}, {@code --no-instructions}.
 */
final class TraceInputOptions {
    /** The formats in one paragraph each, for the commands' --help (a description line; %n breaks it). */
    static final String FORMATS_HELP = ""
            + "Trace formats, detected from the content unless --format says; gzip and zstd%n"
            + "files are decompressed on the fly (recognised by their magic bytes):%n"
            + "  lackey          valgrind --tool=lackey --trace-mem=yes output:%n"
            + "                  'I  ADDR,SIZE' (instruction fetch), ' L ADDR,SIZE' (load),%n"
            + "                  ' S ...' (store), ' M ...' (modify: one reference, a%n"
            + "                  write); ADDR in hex, SIZE in decimal bytes. An access that%n"
            + "                  straddles a page boundary is a reference to each page it%n"
            + "                  touches, in address order. valgrind's '==PID==' lines are%n"
            + "                  skipped. --no-instructions drops the I lines.%n"
            + "  plain           one page number a line, decimal or 0x hex (OSTEP's -f%n"
            + "                  files, libCacheSim's txt); blank lines and # comments are%n"
            + "                  skipped; every reference is a read.%n"
            + "  vmsim           'ADDRESS R|W [PID]' lines: ADDRESS in hex (0x optional),%n"
            + "                  R or W in either case, a decimal pid on every line or on%n"
            + "                  none.%n"
            + "  oracle-general  libCacheSim's binary: 24-byte little-endian records (u32%n"
            + "                  time, u64 object id, u32 size, i64 next access); the id is%n"
            + "                  the page; every reference is a read.%n"
            + "Addresses (lackey, vmsim) become pages by ADDRESS / page size; plain numbers%n"
            + "and oracle-general ids are pages already. A bad line or record stops the%n"
            + "command with the file, the line or byte offset, what was found and what was%n"
            + "expected (exit status 2).";

    @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "Read as lackey, plain, vmsim or oracle-general instead of detecting the format.")
    TraceFormat format;

    @Option(names = "--page-size", paramLabel = "BYTES", defaultValue = "4096", converter = MachineOptions.SizeConverter.class,
            description = "Bytes a page, a power of two: 4096, 4K, 2M (default: ${DEFAULT-VALUE}).")
    long pageSize;

    @Option(names = "--no-instructions", negatable = false,
            description = "Drop lackey's instruction fetches (I lines): data references only.")
    boolean noInstructions;

    /** The options as the readers take them. */
    TraceOptions options(CommandLine commandLine) {
        try {
            TraceOptions.checkPageSize(pageSize);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "Invalid value for option '--page-size': " + e.getMessage());
        }
        return new TraceOptions(format, (int) pageSize, !noInstructions);
    }

    /** {@code --format NAME} by its command-line name. */
    static final class FormatConverter implements CommandLine.ITypeConverter<TraceFormat> {
        @Override
        public TraceFormat convert(String value) {
            try {
                return TraceFormat.fromCliName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
