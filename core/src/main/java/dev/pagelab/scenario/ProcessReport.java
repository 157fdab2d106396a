package dev.pagelab.scenario;

import dev.pagelab.proc.Process;
import dev.pagelab.proc.ProcessStats;
import dev.pagelab.proc.Processes;
import dev.pagelab.proc.SwapDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The processes at the end of a run, for the final report: the setup, each process's state and
 * counts, and the swap device's.
 *
 * @param setup        the {@code processes:} block as one line ({@link ProcessSetup#describe})
 * @param processes    every process the steps spawned, in pid order
 * @param swapSlots    slots of the swap device
 * @param swapUsed     slots in use at the end
 * @param pagesWritten pages written to swap (page-outs of all processes)
 * @param pagesRead    pages read from swap (page-ins)
 * @param ioNanos      simulated time of those transfers
 */
public record ProcessReport(String setup, List<Entry> processes, int swapSlots, int swapUsed, long pagesWritten,
                            long pagesRead, long ioNanos) {
    /** One process: its pid, name, state ({@code ready}, {@code running}, {@code exited}, ...) and counts. */
    public record Entry(int pid, String name, String state, ProcessStats stats) {
    }

    public ProcessReport {
        processes = List.copyOf(processes);
    }

    /** The report of {@code ps} now. */
    static ProcessReport of(Processes ps) {
        List<Entry> entries = new ArrayList<>();
        for (Process p : ps.all()) {
            entries.add(new Entry(p.pid(), p.name(), Keys.of(p.state()), p.stats()));
        }
        SwapDevice swap = ps.swap();
        return new ProcessReport(ProcessSteps.describeSetup(ps), entries, swap.slots(), swap.used(), swap.pagesWritten(),
                swap.pagesRead(), swap.ioNanos());
    }

    /** The report as lines of text. */
    public List<String> render() {
        List<String> lines = new ArrayList<>();
        lines.add("processes: " + setup);
        for (Entry e : processes) {
            ProcessStats s = e.stats();
            lines.add("  process " + e.pid() + " (" + e.name() + ") " + e.state() + ": " + ProcessViews.counts(s) + "; "
                    + s.resident() + " resident");
        }
        lines.add(String.format(Locale.ROOT, "  swap device: %,d of %,d slots in use; %s written, %,d read, %s of"
                + " disk time", swapUsed, swapSlots, ProcessViews.count(pagesWritten, "page"), pagesRead,
                ProcessSetup.ioCost(ioNanos)));
        return lines;
    }
}
