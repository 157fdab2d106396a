package dev.pagelab.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.bench.HeapBench;
import dev.pagelab.bench.HeapWorkload;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.heap.HeapStats;
import dev.pagelab.heap.KernelHeap;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pagelab bench heap}: kmalloc and kfree per second on a mixed workload, and the fragmentation it leaves. */
@Command(name = "heap",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Kernel heap: kmalloc+kfree per second, and the fragmentation left.",
        description = {
            "Boot the kernel (--machine, --allocator), then drive its K&R heap:",
            "  fill   every even slot of --slots gets kmalloc(size): half of them live",
            "  steps  --steps times: r = next() %% slots; a live slot is kfree'd, an",
            "         empty one gets kmalloc(size); so about half the blocks stay live",
            "size is log-uniform from 8 bytes to 4 KiB (an octave 8 << k, k in 0..8,",
            "then uniform within it); next() is xorshift64* seeded with 42.",
            "",
            "Reports ns per step (one kmalloc or one kfree), kmalloc+kfree pairs per",
            "second, and the heap at the end: fragmentation (1 - largest free block /",
            "free bytes), free blocks, chunks kmmapped, frames held and given back.",
            "K&R's free walks the address-ordered free list, so a step costs in",
            "proportion to the free blocks; every header is read through the MMU.",
            "",
            "An untimed warm-up runs first on a kernel of its own. Progress goes to",
            "stderr; the report to stdout.",
            ""},
        footer = {"", "Examples:", "  pagelab bench heap", "  pagelab bench heap --steps 200000 --slots 1024 --json"})
final class BenchHeapCommand implements Callable<Integer> {
    /** {@code --slots}: half a million live blocks, more than a 4 GiB machine's heap area holds of them. */
    static final int MAX_SLOTS = 1 << 20;
    static final String MAX_SLOTS_TEXT = "1,048,576";
    /** {@code --steps} and {@code --warmup}: about 20 minutes at 10 us a step. */
    static final long MAX_STEPS = 100_000_000L;
    static final String MAX_STEPS_TEXT = "100,000,000";

    @Option(names = "--machine", paramLabel = "NAME", defaultValue = HeapWorkload.DEFAULT_MACHINE,
            description = "The built-in machine to boot (default: ${DEFAULT-VALUE}).")
    String machine;

    @Option(names = "--allocator", paramLabel = "NAME", defaultValue = "bitmap",
            description = "The frame allocator behind kmmap (default: ${DEFAULT-VALUE}).")
    String allocator;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "" + HeapWorkload.DEFAULT_SLOTS,
            description = "Blocks at most, 2 to " + MAX_SLOTS_TEXT + "; about half are live (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "1000000",
            description = "Timed steps, each a kmalloc or a kfree, 1 to " + MAX_STEPS_TEXT
                    + " (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "200000",
            description = "Untimed steps first, on a kernel of their own; 0 for none, at most " + MAX_STEPS_TEXT
                    + " (default: ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--json", description = "Print the result as one JSON document instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        HeapBench.Result r = HeapBench.run(settings(), BenchCommand.progress(spec.commandLine().getErr()));
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? json(r) : table(r));
        out.flush();
        return 0;
    }

    private HeapBench.Settings settings() {
        BenchCommand.oneOf(spec, "--machine", machine, MachineProfiles.names());
        BenchCommand.oneOf(spec, "--allocator", allocator, FrameAllocatorRegistry.builtIn().names());
        BenchCommand.within(spec, "--slots", slots, 2, MAX_SLOTS);
        BenchCommand.within(spec, "--steps", steps, 1, MAX_STEPS);
        BenchCommand.within(spec, "--warmup", warmup, 0, MAX_STEPS);
        return new HeapBench.Settings(machine, allocator, slots, steps, warmup);
    }

    private static String table(HeapBench.Result r) {
        HeapBench.Settings s = r.settings();
        HeapStats e = r.end();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "pagelab bench heap: machine %s, allocator %s, %,d slots, one thread%n",
                s.machine(), s.allocator(), s.slots()));
        out.append(BenchTranslateCommand.environment()).append(System.lineSeparator());
        if (r.checksOn()) {
            out.append("WARNING: invariant checks are on (-Dpagelab.checks=true); these numbers mean little.\n");
        }
        out.append(String.format(Locale.ROOT, "%n%,d steps: %,d kmalloc, %,d kfree, %,d NULL%n", s.steps(), r.mallocs(),
                r.frees(), r.failed()));
        if (r.fillFailed() > 0) {
            out.append(String.format(Locale.ROOT, "  (the untimed fill also got %,d NULL: the machine's memory ran out"
                    + " before half of the slots were live)%n", r.fillFailed()));
        }
        out.append(String.format(Locale.ROOT, "  %,.1f ns per step, %,.0f kmalloc+kfree pairs per second%n",
                r.nsPerOperation(), r.pairsPerSecond()));
        out.append(String.format(Locale.ROOT, "%nThe heap at the end: %,d live blocks, %,d bytes asked, %,d bytes in"
                + " blocks (%,d of headers and rounding)%n", e.liveBlocks(), e.requestedBytes(), e.allocatedBytes(),
                e.overheadBytes()));
        out.append(String.format(Locale.ROOT, "  free: %,d bytes in %,d blocks, the largest %,d bytes: fragmentation"
                + " %.3f%n", e.freeBytes(), e.freeBlocks(), e.largestFreeBytes(), e.fragmentation()));
        out.append(String.format(Locale.ROOT, "  %,d chunks of at least %d pages kmmapped (%,d bytes), %,d frames"
                + " held, %,d given back so far%n", e.chunks(), KernelHeap.MIN_CHUNK_PAGES, e.heldBytes(),
                e.framesHeld(), e.framesReleased()));
        return out.toString().stripTrailing();
    }

    private static String json(HeapBench.Result r) {
        HeapBench.Settings s = r.settings();
        HeapStats e = r.end();
        ObjectNode root = BenchCommand.report("heap");
        root.putObject("settings").put("machine", s.machine()).put("allocator", s.allocator()).put("slots", s.slots())
                .put("steps", s.steps()).put("warmupSteps", s.warmupSteps());
        root.put("nanos", r.nanos()).put("nsPerOperation", r.nsPerOperation()).put("pairsPerSecond", r.pairsPerSecond())
                .put("mallocs", r.mallocs()).put("frees", r.frees()).put("failed", r.failed()).put("fillFailed", r.fillFailed())
                .put("liveBlocks", r.live()).put("checksum", r.checksum()).put("checksOn", r.checksOn());
        root.putObject("heap").put("requestedBytes", e.requestedBytes()).put("allocatedBytes", e.allocatedBytes())
                .put("freeBytes", e.freeBytes()).put("freeBlocks", e.freeBlocks())
                .put("largestFreeBytes", e.largestFreeBytes()).put("fragmentation", e.fragmentation())
                .put("chunks", e.chunks()).put("heldBytes", e.heldBytes()).put("framesHeld", e.framesHeld())
                .put("framesReleased", e.framesReleased()).put("morecores", e.morecores());
        return BenchCommand.write(root);
    }
}
