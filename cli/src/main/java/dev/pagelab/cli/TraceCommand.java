package dev.pagelab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.trace.Compression;
import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormat;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.TraceStats;
import dev.pagelab.trace.TraceWriter;
import dev.pagelab.trace.Traces;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pagelab trace}: what a trace file holds, and converting one format to another. */
@Command(name = "trace",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Look into reference traces and convert them.",
        description = {
            "Reference traces are what 'pagelab replay' replays: one page reference after another, each a"
                    + " read or a write, sometimes with the pid of the process that made it.",
            ""},
        subcommands = {TraceCommand.Stats.class, TraceCommand.Convert.class},
        footer = {"", "Run 'pagelab trace COMMAND --help' for a command's options and the formats."})
final class TraceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code pagelab trace stats FILE...}: references by kind, writes, distinct pages, per process. */
    @Command(name = "stats",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "References by kind, writes and distinct pages of trace files.",
            description = {
                "Read each trace to its end and print: its format and compression; references",
                "in all and by kind (read, write, modify, fetch: lackey has all four, vmsim",
                "reads and writes, plain and oracle-general reads only); writes (write and",
                "modify, the references that make a page dirty); distinct pages; and, when the",
                "trace carries pids (vmsim lines with a third column), the same per process.",
                "Each process's page numbers are its own: page 7 of pid 0 and page 7 of pid 1",
                "are two pages, as replay counts them. Memory: one set of distinct pages a",
                "process; the trace itself streams through a fixed buffer.",
                "",
                "With --json: {\"traces\": [...]}, one object a file with trace, format,",
                "compression, pageSize, references, kinds {read, write, modify, fetch}, writes,",
                "distinctPages, hasPids and processes [{pid, references, writes,",
                "distinctPages}] (one entry, pid 0, for a trace without pids).",
                "",
                TraceInputOptions.FORMATS_HELP,
                ""},
            footer = {"", "Examples:",
                "  valgrind --tool=lackey --trace-mem=yes --log-file=ls.lackey ls",
                "  pagelab trace stats ls.lackey",
                "  pagelab trace stats ls.lackey --no-instructions --page-size 2M",
                "  pagelab trace stats *.vmsim.gz --json"})
    static final class Stats implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Trace files (gzip and zstd are read as they are).")
        List<Path> files;

        @Mixin
        TraceInputOptions input;

        @Option(names = "--json", description = "Print one JSON document instead of the text report.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            TraceOptions options = input.options(spec.commandLine());
            PrintWriter out = spec.commandLine().getOut();
            List<Report> reports = new ArrayList<>();
            for (Path file : files) {
                try (TraceReader reader = Traces.open(file, options)) {
                    reports.add(new Report(reader.name(), reader.format(), reader.compression(), reader.hasPids(),
                            TraceStats.of(reader)));
                }
            }
            if (json) {
                out.println(json(reports, options));
            } else {
                for (int i = 0; i < reports.size(); i++) {
                    if (i > 0) {
                        out.println();
                    }
                    text(out, reports.get(i), options);
                }
            }
            out.flush();
            return 0;
        }

        private record Report(String name, TraceFormat format, Compression compression, boolean hasPids,
                TraceStats stats) {
        }

        private static void text(PrintWriter out, Report r, TraceOptions options) {
            TraceStats s = r.stats();
            out.printf("%s: %s%s%s%n", r.name(), r.format(), r.compression() == Compression.NONE ? "" : ", " + r.compression(),
                    pagesMatter(r.format()) ? String.format(", %,d-byte pages", options.pageSize()) : "");
            out.printf("  %-16s %,15d%n", "references", s.references());
            for (byte kind = 0; kind < RefKind.COUNT; kind++) {
                out.printf("    %-14s %,15d  %s%n", RefKind.name(kind), s.references(kind), percent(s.references(kind),
                        s.references()));
            }
            out.printf("  %-16s %,15d  %s%n", "writes", s.writes(), percent(s.writes(), s.references()));
            out.printf("  %-16s %,15d%n", "distinct pages", s.distinctPages());
            if (r.hasPids()) {
                out.printf("  per process:%n    %10s %15s %15s %15s%n", "pid", "references", "writes", "distinct pages");
                for (TraceStats.ProcessStats p : s.processes()) {
                    out.printf("    %10d %,15d %,15d %,15d%n", p.pid(), p.references(), p.writes(), p.distinctPages());
                }
            }
        }

        private static boolean pagesMatter(TraceFormat format) {
            return format == TraceFormat.LACKEY || format == TraceFormat.VMSIM;
        }

        private static String percent(long part, long whole) {
            return whole == 0 ? "" : String.format("(%.1f%%)", 100.0 * part / whole);
        }

        private static String json(List<Report> reports, TraceOptions options) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            ArrayNode traces = root.putArray("traces");
            for (Report r : reports) {
                TraceStats s = r.stats();
                ObjectNode t = traces.addObject();
                t.put("trace", r.name());
                t.put("format", r.format().cliName());
                t.put("compression", r.compression().toString());
                t.put("pageSize", options.pageSize());
                t.put("references", s.references());
                ObjectNode kinds = t.putObject("kinds");
                for (byte kind = 0; kind < RefKind.COUNT; kind++) {
                    kinds.put(RefKind.name(kind), s.references(kind));
                }
                t.put("writes", s.writes());
                t.put("distinctPages", s.distinctPages());
                t.put("hasPids", r.hasPids());
                ArrayNode processes = t.putArray("processes");
                for (TraceStats.ProcessStats p : s.processes().isEmpty()
                        ? List.of(new TraceStats.ProcessStats(0, 0, 0, 0)) : s.processes()) {
                    ObjectNode o = processes.addObject();
                    o.put("pid", p.pid());
                    o.put("references", p.references());
                    o.put("writes", p.writes());
                    o.put("distinctPages", p.distinctPages());
                }
            }
            try {
                return mapper.writeValueAsString(root);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("trace stats: cannot write JSON", e);
            }
        }
    }

    /** {@code pagelab trace convert IN OUT --to FORMAT}. */
    @Command(name = "convert",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Convert a trace to plain, vmsim or oracle-general.",
            description = {
                "Read IN in any format and write OUT in the format --to names, gzip-compressed",
                "when OUT ends in .gz, zstd when it ends in .zst. OUT appears only when it is",
                "complete: it is written beside itself under a temporary name, then renamed.",
                "What each output keeps (read back with the same --page-size, the pages are",
                "the same):",
                "  plain           the page numbers, in decimal; kinds and pids are dropped.",
                "  vmsim           '0xADDRESS R|W' with ADDRESS = page x page size: W for",
                "                  writes and lackey's modifies, R for reads and fetches; and",
                "                  the pid column when IN carries pids.",
                "  oracle-general  one 24-byte record a reference: time = the reference's",
                "                  number, object id = the page, size = the page size, and the",
                "                  number of the next reference to the same page (-1: none),",
                "                  computed in a backward pass over temporary files beside OUT",
                "                  (16 bytes a reference on disk, about 32 bytes a distinct",
                "                  page in memory). Kinds and pids are dropped.",
                "The report says how many references were written and what was dropped.",
                "",
                TraceInputOptions.FORMATS_HELP,
                ""},
            footer = {"", "Examples:",
                "  pagelab trace convert ls.lackey ls.vmsim.gz --to vmsim",
                "  pagelab trace convert ls.lackey ls.oracleGeneral --to oracle-general \\",
                "      --no-instructions",
                "  pagelab trace convert pages.txt pages.vmsim --to vmsim --format plain \\",
                "      --page-size 1"})
    static final class Convert implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IN", description = "The trace to read.")
        Path in;

        @Parameters(index = "1", paramLabel = "OUT", description = "The file to write (.gz: gzip, .zst: zstd).")
        Path out;

        @Option(names = "--to", required = true, paramLabel = "FORMAT", converter = TraceInputOptions.FormatConverter.class,
                description = "The output format: plain, vmsim or oracle-general.")
        TraceFormat to;

        @Mixin
        TraceInputOptions input;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            TraceOptions options = input.options(spec.commandLine());
            if (!to.writable()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--to': '" + to
                        + "' (expected plain, vmsim or oracle-general; lackey is read only)");
            }
            Path dir = out.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Cannot write " + out + ": there is no"
                        + " folder " + dir);
            }
            Path partial = Files.createTempFile(dir, "." + out.getFileName() + ".", ".partial");
            long[] kinds = new long[RefKind.COUNT];
            boolean pids;
            TraceFormat from;
            long references;
            try (TraceReader reader = Traces.open(in, options)) {
                from = reader.format();
                pids = reader.hasPids();
                try (TraceWriter writer = Traces.create(partial, to, Traces.compressionFor(out), options.pageSize(), pids)) {
                    TraceBlock block = new TraceBlock(TraceBlock.DEFAULT_CAPACITY);
                    while (reader.read(block) > 0) {
                        writer.write(block);
                        for (int i = 0; i < block.size; i++) {
                            kinds[block.kinds[i]]++;
                        }
                    }
                    references = writer.references();
                }
                Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            PrintWriter o = spec.commandLine().getOut();
            Compression compression = Traces.compressionFor(out);
            o.printf("%s (%s) -> %s (%s%s): %,d references%n", in, from, out, to,
                    compression == Compression.NONE ? "" : ", " + compression, references);
            long writes = kinds[RefKind.WRITE] + kinds[RefKind.MODIFY];
            if (to != TraceFormat.VMSIM && writes > 0) {
                o.printf("  dropped: %,d writes are reads now (%s has no kinds)%n", writes, to);
            }
            if (to == TraceFormat.VMSIM && kinds[RefKind.FETCH] + kinds[RefKind.MODIFY] > 0) {
                o.printf("  merged: %,d instruction fetches written as R, %,d modifies as W (vmsim has R and W only)%n",
                        kinds[RefKind.FETCH], kinds[RefKind.MODIFY]);
            }
            if (to != TraceFormat.VMSIM && pids) {
                o.printf("  dropped: the pids (%s has none; the processes' pages are now one namespace)%n", to);
            }
            o.flush();
            return 0;
        }
    }
}
