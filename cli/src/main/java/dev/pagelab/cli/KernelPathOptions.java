package dev.pagelab.cli;

import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.proc.KernelReplay;
import dev.pagelab.proc.SwapDevice;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code replay --kernel} that the fast replay has no use for: the machine, the
 * kernel's build (table access, global pages, the TLB), the swap device, the lesson switch, and the
 * memory access time of the effective-access-time line. Each is refused without {@code --kernel}.
 */
final class KernelPathOptions {
    /** The textbooks' memory access time (Silberschatz, 10th ed., §10.2.2: 10 to 200 ns; it computes with 200). */
    static final long DEFAULT_MEMORY_ACCESS_NANOS = 200;

    @Option(names = "--machine", paramLabel = "NAME", defaultValue = KernelReplay.Options.AUTO_MACHINE,
            description = "With --kernel: the built-in machine each kernel boots (pagelab boot --list-machines);"
                    + " auto: the smallest whose free frames hold --frames plus the kernel's own (default:"
                    + " ${DEFAULT-VALUE}).")
    String machine;

    @Option(names = "--swap-slots", paramLabel = "N",
            description = "With --kernel: slots of the swap device, 0 to 1048576 (default: the traces' distinct pages).")
    Integer swapSlots;

    @Option(names = "--io-cost", paramLabel = "TIME", defaultValue = "8ms", converter = DurationConverter.class,
            description = "With --kernel: simulated time of one swap transfer, e.g. 8ms, 100us (default:"
                    + " ${DEFAULT-VALUE}).")
    long ioCostNanos;

    @Option(names = "--memory-access", paramLabel = "TIME", defaultValue = "200ns", converter = DurationConverter.class,
            description = "With --kernel: the memory access time ma of the effective access time (default:"
                    + " ${DEFAULT-VALUE}, the textbook's).")
    long memoryAccessNanos;

    @Option(names = "--no-invlpg", description = "With --kernel, a lesson: clear A without INVLPG. The cached"
            + " translation keeps later hits from setting A, so Clock takes hot pages for idle ones.")
    boolean noInvlpg;

    @Option(names = "--no-global-pages", description = "With --kernel: do not map the kernel half global; every CR3"
            + " load then drops the kernel's translations too (compare the TLB misses).")
    boolean noGlobalPages;

    @Option(names = "--table-access", paramLabel = "HOW", defaultValue = "temporary-mapping",
            description = "With --kernel: how the kernel reaches page tables: temporary-mapping, recursive or"
                    + " direct-map (default: ${DEFAULT-VALUE}).")
    String tableAccess;

    @Mixin
    TlbOptions tlb;

    /** The long names of this class's options, the TLB's included. */
    private static final List<String> NAMES = List.of("--machine", "--swap-slots", "--io-cost", "--memory-access",
            "--no-invlpg", "--no-global-pages", "--table-access", "--tlb-entries", "--tlb-ways", "--tlb-large-entries",
            "--no-tlb");

    /** The options of this class that were given on the command line. */
    static List<String> given(CommandLine.ParseResult parsed) {
        return NAMES.stream().filter(parsed::hasMatchedOption).toList();
    }

    /** The kernel path's settings, or a usage error naming the option. */
    KernelReplay.Options options(CommandLine commandLine) {
        if (swapSlots != null && (swapSlots < 0 || swapSlots > SwapDevice.MAX_SLOTS)) {
            throw new CommandLine.ParameterException(commandLine, "--swap-slots: expected 0 to " + SwapDevice.MAX_SLOTS
                    + " (4 GiB of swap), got " + swapSlots);
        }
        KernelConfig kernel;
        try {
            kernel = KernelConfig.DEFAULT.withTableAccess(TableAccessStrategy.byName(tableAccess))
                    .withTlb(tlb.config()).withGlobalKernelPages(!noGlobalPages);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
        return new KernelReplay.Options(machine, kernel, swapSlots == null ? -1 : swapSlots, ioCostNanos, noInvlpg);
    }

    /** {@code 8ms}, {@code 100us}, {@code 200ns}, {@code 0.5s}: a duration in whole nanoseconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Long> {
        private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s)");

        @Override
        public Long convert(String value) {
            Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (expected a number"
                        + " and a unit: ns, us, ms or s, e.g. 8ms)");
            }
            long unit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1_000;
                case "ms" -> 1_000_000;
                default -> 1_000_000_000;
            };
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
            if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0 || nanos.stripTrailingZeros().scale() > 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number of nanoseconds"
                        + " below " + Long.MAX_VALUE / 2 + " ns");
            }
            return nanos.longValueExact();
        }
    }
}
