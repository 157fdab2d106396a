package dev.pagelab.cli;

import dev.pagelab.cli.sweep.ChartFiles;
import dev.pagelab.cli.sweep.SweepCharts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pagelab chart}: a sweep's charts, drawn again from its files. */
@Command(name = "chart",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Draw a sweep's charts (PNG and SVG) from its results file.",
        description = {
            "Reads RESULTS (a sweep's results.csv, or its folder) and, when they are",
            "beside it, timeline.csv and working-set.csv; draws the charts that",
            "'pagelab sweep --chart' draws (see 'pagelab sweep --help') and prints the",
            "Belady check: every frame count where a policy's faults rise with more",
            "frames.",
            ""},
        footer = {
            "",
            "Examples:",
            "  pagelab chart ls-sweep/results.csv",
            "  pagelab chart ls-sweep --log-x --out ls-charts"})
final class ChartCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RESULTS", description = "A sweep's results.csv, or the sweep's folder.")
    Path results;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Folder of the charts (default: the results' folder).")
    Path out;

    @Option(names = "--log-x", description = "Frames on a logarithmic axis.")
    boolean logX;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path file = Files.isDirectory(results) ? results.resolve("results.csv") : results;
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        Path dir = out != null ? out : file.toAbsolutePath().getParent();
        report(spec.commandLine().getOut(), file, dir, logX, true);
        return 0;
    }

    /** Prints the Belady check of {@code results} and, with {@code draw}, writes its charts into {@code dir}. */
    static void report(PrintWriter out, Path results, Path dir, boolean logX, boolean draw) throws IOException {
        List<SweepCharts.Rise> rises = SweepCharts.rises(SweepCharts.totals(results));
        if (rises.isEmpty()) {
            out.println("Belady check: no policy's faults rise with more frames");
        } else {
            out.println("Belady check: faults rise with more frames " + rises.size() + " time"
                    + (rises.size() == 1 ? "" : "s") + ":");
            rises.forEach(rise -> out.println("  " + rise.describe()));
        }
        if (draw) {
            List<Path> files = ChartFiles.write(SweepCharts.charts(results, logX), dir);
            out.println("charts: " + files.size() / 2 + " (PNG and SVG) in " + dir);
            files.forEach(f -> out.println("  " + f.getFileName()));
        }
        out.flush();
    }
}
