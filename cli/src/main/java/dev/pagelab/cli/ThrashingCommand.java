package dev.pagelab.cli;

import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.proc.Multiprogramming;
import dev.pagelab.proc.ProcessConfig;
import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.Scope;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pagelab thrashing}: CPU utilisation against the degree of multiprogramming, for global
 * replacement without load control and for variable-allocation policies with it
 * ({@link Multiprogramming}).
 */
@Command(name = "thrashing",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Thrashing, and the working set and PFF stopping it: CPU use against the number of processes.",
        description = {
            "Runs N synthetic programs on the kernel's processes, for each N of --processes, sharing one CPU"
                    + " and one paging disk in simulated time: each program works on a locality of"
                    + " --working-set pages that moves every --phase references; a fault blocks it for a disk"
                    + " transfer (two when the victim is written back), and the disk serves one at a time.",
            "",
            "First with global replacement (--policy, default clock) and no load control: the CPU gets busier"
                    + " with more programs until their localities no longer fit the --frames, then the fault"
                    + " rate explodes and the CPU waits for the disk (thrashing). Then each --controlled policy"
                    + " (default ws and pff, variable allocation) under local scope with load control: the"
                    + " kernel suspends a program when the working sets no longer fit and resumes it when"
                    + " they do.",
            ""})
final class ThrashingCommand implements Callable<Integer> {
    @Option(names = "--processes", split = ",", paramLabel = "N", defaultValue = "1,2,3,4,6,8,10,12",
            description = "Degrees of multiprogramming to run (default: ${DEFAULT-VALUE}).")
    List<Integer> processes;

    @Option(names = {"-m", "--frames"}, paramLabel = "M", defaultValue = "256",
            description = "Frames the programs share (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = {"-p", "--policy"}, paramLabel = "P", defaultValue = "clock",
            description = "The policy under global replacement without load control (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--controlled", split = ",", paramLabel = "P", defaultValue = "ws,pff",
            description = "Variable-allocation policies run with load control (default: ${DEFAULT-VALUE}).")
    List<String> controlled;

    @Option(names = "--references", paramLabel = "N", defaultValue = "2000000",
            description = "References of all programs together, for each N (default: ${DEFAULT-VALUE}).")
    long references;

    @Option(names = "--pages", paramLabel = "N", defaultValue = "1024",
            description = "Pages of each program (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--working-set", paramLabel = "N", defaultValue = "32",
            description = "Pages of a program's locality (default: ${DEFAULT-VALUE}).")
    int workingSet;

    @Option(names = "--phase", paramLabel = "N", defaultValue = "50000",
            description = "References between two moves of a locality, by half its width (default: ${DEFAULT-VALUE}).")
    long phase;

    @Option(names = "--locality", paramLabel = "F", defaultValue = "0.9999",
            description = "Share of references on the locality; the rest fall anywhere (default: ${DEFAULT-VALUE}).")
    double locality;

    @Option(names = "--writes", paramLabel = "F", defaultValue = "0.3",
            description = "Share of references that are writes (default: ${DEFAULT-VALUE}).")
    double writes;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the first program's generator; program i uses seed + i (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--reference-ns", paramLabel = "NS", defaultValue = "1000",
            description = "CPU time of one reference, ns (default: ${DEFAULT-VALUE}).")
    long referenceNanos;

    @Option(names = "--transfer-ns", paramLabel = "NS", defaultValue = "1000000",
            description = "One page transfer to or from the disk, ns (default: ${DEFAULT-VALUE}, 1 ms).")
    long transferNanos;

    @Option(names = "--quantum", paramLabel = "N", defaultValue = "10000",
            description = "References a turn (default: ${DEFAULT-VALUE}).")
    long quantum;

    @Option(names = "--window", paramLabel = "N", defaultValue = "1000",
            description = "The working set's window, in the program's own references (default: ${DEFAULT-VALUE}).")
    long window;

    @Option(names = "--pff-tau", paramLabel = "N", defaultValue = "1000",
            description = "PFF's tau, in the program's own references (default: ${DEFAULT-VALUE}).")
    long pffTau;

    @Option(names = "--machine", paramLabel = "NAME", defaultValue = "qemu-pc-128M",
            description = "The machine each run boots (default: ${DEFAULT-VALUE}).")
    String machine;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PolicyRegistry registry = PolicyRegistry.builtIn();
        for (int n : processes) {
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("--processes: each N must be 1 to 64, not " + n);
            }
        }
        if (references < 1 || references > 1_000_000_000L) {
            throw new IllegalArgumentException("--references must be 1 to 1,000,000,000, not " + references);
        }
        registry.info(policy);
        for (String name : controlled) {
            if (!registry.info(name).variableAllocation()) {
                throw new IllegalArgumentException("--controlled: " + name + " is not a variable-allocation policy"
                        + " (load control needs one whose resident set shrinks: ws, pff)");
            }
        }
        Multiprogramming.Workload workload = new Multiprogramming.Workload(pages, workingSet, locality, phase, writes,
                seed);
        Multiprogramming.Timing timing = new Multiprogramming.Timing(referenceNanos, transferNanos, quantum);
        PolicyConfig policyConfig = PolicyConfig.DEFAULTS.withWindow(window).withPffTau(pffTau);
        ProcessConfig base = ProcessConfig.DEFAULT.withFrames(frames).withPolicyConfig(policyConfig)
                .withSwap(Math.min(dev.pagelab.proc.SwapDevice.MAX_SLOTS, pages * 64), transferNanos);
        List<ProcessConfig> setups = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        setups.add(base.withScope(Scope.GLOBAL).withPolicy(policy));
        titles.add(policy + ", global");
        for (String name : controlled) {
            setups.add(base.withPolicy(name).withLoadControl(true));
            titles.add(name + ", load control");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "N programs of %,d pages, each on a locality of %d pages that moves every %,d"
                + " references; %d frames; %,d references for each N%n", pages, workingSet, phase, frames, references);
        out.printf(Locale.ROOT, "a reference %,d ns of CPU, a disk transfer %,d ns, turns of %,d references%n%n",
                referenceNanos, transferNanos, quantum);
        StringBuilder head = new StringBuilder("   N");
        StringBuilder sub = new StringBuilder("    ");
        for (String title : titles) {
            head.append(String.format(Locale.ROOT, "   %-30s", title));
            sub.append(String.format(Locale.ROOT, "   %5s  %11s  %9s ", "CPU", "faults/Mref", "suspended"));
        }
        out.println(head.toString().stripTrailing());
        out.println(sub.toString().stripTrailing());
        double[][] cpu = new double[setups.size()][processes.size()];
        for (int row = 0; row < processes.size(); row++) {
            int n = processes.get(row);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%4d", n));
            for (int s = 0; s < setups.size(); s++) {
                Multiprogramming.Result r = Multiprogramming.run(machine, KernelConfig.DEFAULT, setups.get(s), registry,
                        n, workload, timing, references);
                cpu[s][row] = r.cpuUtilisation();
                line.append(String.format(Locale.ROOT, "   %3.0f %%  %11.0f  %9d ", 100 * r.cpuUtilisation(),
                        r.faultRate() * 1e6, r.suspensions()));
            }
            out.println(line.toString().stripTrailing());
            out.flush();
        }
        out.println();
        for (int s = 0; s < setups.size(); s++) {
            int best = 0;
            for (int row = 1; row < processes.size(); row++) {
                if (cpu[s][row] > cpu[s][best]) {
                    best = row;
                }
            }
            int last = processes.size() - 1;
            out.printf(Locale.ROOT, "%-22s CPU peaks at %3.0f %% with N = %d; %3.0f %% with N = %d%s%n", titles.get(s) + ":",
                    100 * cpu[s][best], processes.get(best), 100 * cpu[s][last], processes.get(last),
                    cpu[s][last] < cpu[s][best] / 2 ? ": thrashing" : "");
        }
        return 0;
    }
}
