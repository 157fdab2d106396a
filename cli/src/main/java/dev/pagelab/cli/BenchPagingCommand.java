package dev.pagelab.cli;

import static dev.pagelab.cli.BenchCommand.MAX_PAIRS;
import static dev.pagelab.cli.BenchCommand.MAX_PAIRS_TEXT;
import static dev.pagelab.cli.BenchCommand.oneOf;
import static dev.pagelab.cli.BenchCommand.progress;
import static dev.pagelab.cli.BenchCommand.report;
import static dev.pagelab.cli.BenchCommand.within;
import static dev.pagelab.cli.BenchCommand.write;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.bench.PagingBench;
import dev.pagelab.bench.PagingWorkload;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "paging",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Page mapping speed: mapPage+unmapPage and kmmap+kunmap pairs per second.",
        description = {
            "Boot a kernel for each way it reaches its page tables (temporary-mapping,",
            "recursive, direct-map) and time pairs of map and unmap on it, in this JVM.",
            "",
            "The kernel: Kernel.boot(--machine, --allocator), 4 KiB kernel pages, the",
            "default TLB (64 entries, 4-way). Untimed, the workload then takes "
                    + PagingWorkload.RESERVED_PAGES + " pages",
            "of the kernel heap area (first fit: PDE 772-780 on a fresh kernel), "
                    + (PagingWorkload.POOL_FRAMES + PagingWorkload.TABLES) + " frames",
            "(a pool of " + PagingWorkload.POOL_FRAMES + " and " + PagingWorkload.TABLES
                    + " anchors) and one kmmap'd page that it keeps.",
            "  map-unmap     --pairs times: mapPage(page[i], pool[i %% " + PagingWorkload.POOL_FRAMES + "], R/W);",
            "                unmapPage(page[i]); i = (i + 1) %% " + PagingWorkload.SET_PAGES + ", where",
            "                page[i] = 0xC1000000 + (i %% " + PagingWorkload.TABLES + ") * 4 MiB + (i / "
                    + PagingWorkload.TABLES + ") * 4 KiB:",
            "                PTE 0-" + (PagingWorkload.PAGES_PER_TABLE - 1) + " of PDE 772-779, another table each pair,",
            "                one of these pages mapped at a time",
            "    table-kept    an anchor page, PTE " + PagingWorkload.ANCHOR_PTE
                    + " of each of the " + PagingWorkload.TABLES + " tables, stays",
            "                  mapped: a pair writes a PTE and clears it (with INVLPG)",
            "    table-churn   no anchors: mapPage also takes a frame for the table,",
            "                  zeroes it and writes the PDE; unmapPage finds the table",
            "                  empty, clears the PDE and frees the frame",
            "  kmmap-kunmap  for 1, 2, 4, ... 64 pages, --pairs / pages times:",
            "                v = kmmap(pages * 4096); kunmap(v). The same pages each",
            "                time, after the kept page in PDE 781, whose table stays.",
            "                Each page: a frame from the allocator, mapPage, unmapPage",
            "                and free; each pair: the page-range bitmap, twice.",
            "Counters per pair: MMU translations (the kernel reads and writes every",
            "table entry and bitmap word through the MMU), page walks, INVLPGs, frames",
            "loaded into the temporary slot 0xC03FF000, page tables allocated.",
            "",
            "An untimed warm-up (--warmup pairs of every block, for every strategy) runs",
            "first on kernels of its own, so that every strategy is timed with the same",
            "compiled code. One clock reading before and after each block; nothing else",
            "is timed. The default run takes about 20 s on 2 CPUs.",
            "",
            "Progress goes to stderr; the report to stdout.",
            ""},
        footer = {"", "Examples:", "  pagelab bench paging", "  pagelab bench paging --table-access recursive --pairs 100000",
            "  pagelab bench paging --allocator buddy --json > paging.json"})
final class BenchPagingCommand implements Callable<Integer> {
    @Option(names = "--machine", paramLabel = "NAME", defaultValue = PagingWorkload.DEFAULT_MACHINE,
            description = "The built-in machine to boot (default: ${DEFAULT-VALUE}; see pagelab boot "
                    + "--list-machines).")
    String machine;

    @Option(names = "--allocator", paramLabel = "NAME", defaultValue = "bitmap",
            description = "The frame allocator, one that can free: ${COMPLETION-CANDIDATES} (default: "
                    + "${DEFAULT-VALUE}).", completionCandidates = FreeingAllocatorNames.class)
    String allocator;

    /** The built-in registry's names of allocators that can free, for the help text. */
    static final class FreeingAllocatorNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            FrameAllocatorRegistry registry = FrameAllocatorRegistry.builtIn();
            return registry.names().stream().filter(name -> registry.info(name).canFree()).iterator();
        }
    }

    @Option(names = "--table-access", paramLabel = "HOW", defaultValue = "all",
            description = "temporary-mapping, recursive, direct-map or all (default: ${DEFAULT-VALUE}).")
    String tableAccess;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "" + PagingBench.DEFAULT_PAIRS,
            description = "map-unmap pairs a block, 1 to " + MAX_PAIRS_TEXT + "; kmmap pairs are N / pages"
                    + " (default: ${DEFAULT-VALUE}).")
    long pairs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "" + PagingBench.DEFAULT_WARMUP_PAIRS,
            description = "Untimed pairs of every block before measuring, 0 for no warm-up, at most "
                    + MAX_PAIRS_TEXT + " (default: ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--json", description = "Print the results as one JSON document instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PagingBench.Settings settings = settings();
        PagingBench.Result result = PagingBench.run(settings, progress(spec.commandLine().getErr()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(result));
        } else {
            table(out, result);
        }
        out.flush();
        return 0;
    }

    private PagingBench.Settings settings() {
        try {
            machine = MachineProfiles.byName(machine).name();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--machine': '" + machine
                    + "' (known: " + String.join(", ", MachineProfiles.names()) + ")");
        }
        oneOf(spec, "--allocator", allocator, FrameAllocatorRegistry.builtIn().names());
        if (!PagingBench.canFree(allocator)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--allocator': '" + allocator
                    + "' cannot free (kunmap would leak every frame); choose one that can");
        }
        List<TableAccessStrategy> strategies;
        try {
            strategies = tableAccess.equals("all") ? List.of(TableAccessStrategy.values())
                    : List.of(TableAccessStrategy.byName(tableAccess));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--table-access': '"
                    + tableAccess + "' (expected temporary-mapping, recursive, direct-map or all)");
        }
        within(spec, "--pairs", pairs, 1, MAX_PAIRS);
        within(spec, "--warmup", warmup, 0, MAX_PAIRS);
        return new PagingBench.Settings(machine, allocator, strategies, pairs, warmup);
    }

    private static void table(PrintWriter out, PagingBench.Result r) {
        PagingBench.Settings s = r.settings();
        TlbConfig tlb = TlbConfig.DEFAULT;
        out.printf(Locale.ROOT, "pagelab bench paging: machine %s, allocator %s, TLB %d entries %d-way, one thread%n",
                s.machine(), s.allocator(), tlb.entries(), tlb.ways());
        out.printf(Locale.ROOT, "%s%n", BenchTranslateCommand.environment());
        out.printf(Locale.ROOT, "%s%n", s.warmupPairs() == 0 ? "no warm-up" : String.format(Locale.ROOT,
                "warm-up: %,d pairs of every block on kernels of their own, untimed", s.warmupPairs()));
        if (r.checksOn()) {
            out.println("WARNING: invariant checks are on (-Dpagelab.checks=true); these numbers mean little.");
        }
        out.println();
        out.printf(Locale.ROOT, "map-unmap: %,d pairs of mapPage(page, frame, R/W) + unmapPage(page), %,d pages in"
                + " %d page tables%n", s.pairs(), PagingWorkload.SET_PAGES, PagingWorkload.TABLES);
        out.printf(Locale.ROOT, "%-17s  %-11s  %12s  %8s  %s%n", "strategy", "variant", "pairs/s", "ns/pair",
                COUNTER_HEADER);
        out.printf(Locale.ROOT, "%s  %s  %s  %s  %s%n", "-".repeat(17), "-".repeat(11), "-".repeat(12),
                "-".repeat(8), COUNTER_RULE);
        for (PagingBench.MapUnmap m : r.mapUnmap()) {
            PagingBench.Block b = m.block();
            out.printf(Locale.ROOT, "%-17s  %-11s  %,12.0f  %8.1f  %s%n", m.strategy(), m.variant().id(),
                    b.pairsPerSecond(), b.nsPerPair(), counters(b));
        }
        out.println();
        out.printf(Locale.ROOT, "kmmap-kunmap: %,d / pages pairs of v = kmmap(pages * 4096) + kunmap(v)%n",
                s.pairs());
        out.printf(Locale.ROOT, "%-17s  %5s  %9s  %12s  %8s  %7s  %s%n", "strategy", "pages", "pairs", "pairs/s",
                "ns/pair", "ns/page", COUNTER_HEADER);
        out.printf(Locale.ROOT, "%s  %s  %s  %s  %s  %s  %s%n", "-".repeat(17), "-".repeat(5), "-".repeat(9),
                "-".repeat(12), "-".repeat(8), "-".repeat(7), COUNTER_RULE);
        for (PagingBench.Kmmap k : r.kmmap()) {
            PagingBench.Block b = k.block();
            out.printf(Locale.ROOT, "%-17s  %5d  %,9d  %,12.0f  %8.1f  %7.1f  %s%n", k.strategy(), k.pages(),
                    b.pairs(), b.pairsPerSecond(), b.nsPerPair(), b.nsPerPage(), counters(b));
        }
        out.println();
        out.println("table-kept: an anchor page stays mapped in each table; table-churn: every pair also");
        out.println("allocates, zeroes and frees a page table. Counters are per pair: MMU translations, page");
        out.printf(Locale.ROOT, "walks, INVLPGs, frames loaded into the temporary slot %s, page tables allocated.%n",
                Addresses.hex(KernelLayout.TEMPORARY_SLOT));
    }

    private static final String COUNTER_HEADER = "translations   walks  INVLPGs  slot loads  tables";
    private static final String COUNTER_RULE = "------------  ------  -------  ----------  ------";

    private static String counters(PagingBench.Block b) {
        PagingWorkload.Counters c = b.counters();
        return String.format(Locale.ROOT, "%12.1f  %6.2f  %7.2f  %10.2f  %6.2f", b.perPair(c.translations()),
                b.perPair(c.walks()), b.perPair(c.invlpgs()), b.perPair(c.slotLoads()),
                b.perPair(c.tablesAllocated()));
    }

    private static String json(PagingBench.Result r) {
        PagingBench.Settings s = r.settings();
        ObjectNode root = report("paging");
        ObjectNode settings = root.putObject("settings");
        settings.put("machine", s.machine());
        settings.put("allocator", s.allocator());
        ArrayNode strategies = settings.putArray("tableAccess");
        s.strategies().forEach(strategy -> strategies.add(strategy.label()));
        settings.put("pairs", s.pairs());
        settings.put("warmupPairs", s.warmupPairs());
        ObjectNode tlb = settings.putObject("tlb");
        tlb.put("entries", TlbConfig.DEFAULT.entries());
        tlb.put("ways", TlbConfig.DEFAULT.ways());
        ObjectNode workload = root.putObject("workload");
        workload.put("setPages", PagingWorkload.SET_PAGES);
        workload.put("pageTables", PagingWorkload.TABLES);
        workload.put("poolFrames", PagingWorkload.POOL_FRAMES);
        ArrayNode sizes = workload.putArray("kmmapPages");
        PagingWorkload.KMMAP_PAGES.forEach(sizes::add);
        ArrayNode mapUnmap = root.putArray("mapUnmap");
        for (PagingBench.MapUnmap m : r.mapUnmap()) {
            ObjectNode n = mapUnmap.addObject();
            n.put("strategy", m.strategy().label());
            n.put("variant", m.variant().id());
            block(n, m.block());
        }
        ArrayNode kmmap = root.putArray("kmmap");
        for (PagingBench.Kmmap k : r.kmmap()) {
            ObjectNode n = kmmap.addObject();
            n.put("strategy", k.strategy().label());
            n.put("pages", k.pages());
            block(n, k.block());
            n.put("nsPerPage", k.block().nsPerPage());
        }
        root.put("checksOn", r.checksOn());
        root.put("checksum", r.checksum());
        return write(root);
    }

    /** A block's numbers, into {@code n}: totals and per pair. */
    private static void block(ObjectNode n, PagingBench.Block b) {
        PagingWorkload.Counters c = b.counters();
        n.put("pairs", b.pairs());
        n.put("nanos", b.nanos());
        n.put("pairsPerSecond", b.pairsPerSecond());
        n.put("nsPerPair", b.nsPerPair());
        ObjectNode counters = n.putObject("counters");
        counters.put("translations", c.translations());
        counters.put("walks", c.walks());
        counters.put("invlpgs", c.invlpgs());
        counters.put("temporarySlotLoads", c.slotLoads());
        counters.put("tablesAllocated", c.tablesAllocated());
        ObjectNode perPair = n.putObject("perPair");
        perPair.put("translations", b.perPair(c.translations()));
        perPair.put("walks", b.perPair(c.walks()));
        perPair.put("invlpgs", b.perPair(c.invlpgs()));
        perPair.put("temporarySlotLoads", b.perPair(c.slotLoads()));
        perPair.put("tablesAllocated", b.perPair(c.tablesAllocated()));
    }
}
