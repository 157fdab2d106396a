package dev.pagelab.cli;

import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of the replay engine that {@code replay} and {@code sweep} share: how local scope
 * divides the frames beyond its mode ({@code --sizes}, {@code --priorities}, {@code --min-frames})
 * and the policies' parameters.
 */
final class ReplayParameterOptions {
    @Option(names = "--sizes", split = ",", paramLabel = "S",
            description = "Process sizes for proportional and priority allocation (default: distinct pages).")
    long[] sizes;

    @Option(names = "--priorities", split = ",", paramLabel = "P",
            description = "Process priorities for priority allocation, each at least 1 (default: 1).")
    long[] priorities;

    @Option(names = "--min-frames", paramLabel = "N",
            description = "Frames every process must get (default: 6 with several processes, 1 alone).")
    Integer minFrames;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of random (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--clock-load-bit", paramLabel = "0|1", defaultValue = "1",
            description = "Reference bit of a page loaded by a fault, for clock (default: ${DEFAULT-VALUE}).")
    int clockLoadBit;

    @Option(names = "--tick", paramLabel = "N", defaultValue = "1000",
            description = "References between ticks: NRU clears bits, aging shifts (default: ${DEFAULT-VALUE}).")
    long tick;

    @Option(names = "--aging-bits", paramLabel = "N", defaultValue = "8",
            description = "Width of aging's counters (default: ${DEFAULT-VALUE}).")
    int agingBits;

    @Option(names = "--tau", paramLabel = "N", defaultValue = "1000",
            description = "WSClock's working-set age limit, in references (default: ${DEFAULT-VALUE}).")
    long tau;

    @Option(names = "--window", paramLabel = "N", defaultValue = "1000",
            description = "The working set's window, in references (default: ${DEFAULT-VALUE}).")
    long window;

    @Option(names = "--pff-tau", paramLabel = "N", defaultValue = "1000",
            description = "PFF's inter-fault time limit, in references (default: ${DEFAULT-VALUE}).")
    long pffTau;

    /** The minimum as {@link ReplayConfig} takes it. */
    int minimumFrames() {
        return minFrames == null ? ReplayConfig.DEFAULT_MINIMUM : minFrames;
    }

    /**
     * The policies' parameters.
     *
     * @throws CommandLine.ParameterException when one is out of range
     */
    PolicyConfig policyConfig(CommandLine commandLine) {
        try {
            return PolicyConfig.DEFAULTS.withSeed(seed).withClockLoadBit(clockLoadBit).withTickInterval(tick)
                    .withAgingBits(agingBits).withTau(tau).withWindow(window).withPffTau(pffTau);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }

    /**
     * The replay's configuration with these parameters.
     *
     * @throws CommandLine.ParameterException when a value is out of range
     */
    ReplayConfig config(int frames, Scope scope, AllocationMode mode, long quantum, CommandLine commandLine) {
        PolicyConfig policy = policyConfig(commandLine);
        try {
            return new ReplayConfig(frames, scope, mode, sizes, priorities, minimumFrames(), quantum, policy);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }

    /** {@code --scope}'s value. */
    static Scope scope(String name, CommandLine commandLine) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "local" -> Scope.LOCAL;
            case "global" -> Scope.GLOBAL;
            default -> throw new CommandLine.ParameterException(commandLine,
                    "--scope: expected local or global, got '" + name + "'");
        };
    }

    /** {@code --allocation}'s value. */
    static AllocationMode allocation(String name, CommandLine commandLine) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "equal" -> AllocationMode.EQUAL;
            case "proportional" -> AllocationMode.PROPORTIONAL;
            case "priority" -> AllocationMode.PRIORITY;
            default -> throw new CommandLine.ParameterException(commandLine,
                    "--allocation: expected equal, proportional or priority, got '" + name + "'");
        };
    }
}
