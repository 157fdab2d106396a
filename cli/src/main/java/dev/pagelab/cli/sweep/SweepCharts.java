package dev.pagelab.cli.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the charts of a sweep show, computed from its files alone (results.csv, and timeline.csv
 * and working-set.csv when they are there), so that {@code pagelab chart} redraws exactly what
 * {@code pagelab sweep --chart} drew, and a test can compare a chart's data with the file:
 * <ul>
 *   <li>{@code miss-ratio}: faults / references of the total rows against frames, a line a policy,
 *       a chart a trace set, scope, allocation and quantum;</li>
 *   <li>{@code belady}: faults against frames of FIFO and of every policy whose faults rise from
 *       one frame count of the sweep to the next larger one (Belady's anomaly), each rise marked
 *       at the larger count;</li>
 *   <li>{@code timeline}: faults so far against references replayed, a line a process and scope
 *       (local against global), a chart a trace set, policy, frame count and quantum;</li>
 *   <li>{@code working-set}: the average working-set size s(τ) against the window τ (log scale),
 *       a line a process, a chart a trace set.</li>
 * </ul>
 * A chart's file name is its kind, then what tells it from the others of its kind (only the
 * columns that vary: {@code miss-ratio_local-equal.png}).
 */
public final class SweepCharts {
    /** One line (or set of markers) of a chart: x and y of equal length. */
    public record Series(String name, double[] x, double[] y, boolean markersOnly) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x for " + y.length + " y");
            }
        }
    }

    /** A chart: its file name without extension, titles, scale and series. */
    public record Chart(String name, String title, String xTitle, String yTitle, boolean logX, List<Series> series) {
        public Chart {
            series = List.copyOf(series);
        }
    }

    /** A total row of results.csv, the fields the charts use. */
    public record Total(String trace, String policy, int frames, String scope, String allocation, long quantum,
                        long references, long faults) {
        String group() {
            return String.join("\t", trace, scope, allocation, String.valueOf(quantum));
        }

        double missRatio() {
            return references == 0 ? 0 : (double) faults / references;
        }
    }

    /**
     * One place where a policy's faults rise with more frames.
     *
     * @param fewer       the smaller frame count
     * @param fewerFaults faults with {@code fewer} frames
     * @param more        the next larger frame count of the sweep
     * @param moreFaults  faults with {@code more} frames, more than {@code fewerFaults}
     */
    public record Rise(String trace, String scope, String allocation, long quantum, String policy, int fewer,
                       long fewerFaults, int more, long moreFaults) {
        /** One line: {@code fifo on x.txt (local equal, quantum 1000): 9 faults with 3 frames, 10 with 4}. */
        public String describe() {
            return String.format(Locale.ROOT, "%s on %s (%s%s, quantum %d): %,d faults with %d frames, %,d with %d",
                    policy, trace, scope, allocation.equals(Cell.NO_ALLOCATION) ? "" : " " + allocation, quantum,
                    fewerFaults, fewer, moreFaults, more);
        }
    }

    private SweepCharts() {
    }

    /** The total rows of {@code results} (results.csv). */
    public static List<Total> totals(Path results) throws IOException {
        List<Total> totals = new ArrayList<>();
        for (String[] f : Csv.read(results, ResultsStore.COLUMNS)) {
            if (f[6].equals(ResultsStore.TOTAL)) {
                totals.add(new Total(f[0], f[1], Integer.parseInt(f[2]), f[3], f[4], Long.parseLong(f[5]),
                        Long.parseLong(f[9]), Long.parseLong(f[10])));
            }
        }
        return totals;
    }

    /** Every chart of the sweep whose results file is {@code results}; timeline and working set from beside it. */
    public static List<Chart> charts(Path results, boolean logX) throws IOException {
        Path dir = results.toAbsolutePath().getParent();
        List<Total> totals = totals(results);
        List<Chart> charts = new ArrayList<>();
        charts.addAll(missRatio(totals, logX));
        charts.addAll(belady(totals, logX));
        Path timeline = dir.resolve(ResultsStore.TIMELINE_CSV);
        if (Files.exists(timeline)) {
            charts.addAll(timeline(Csv.read(timeline, ResultsStore.TIMELINE_COLUMNS)));
        }
        Path workingSet = dir.resolve(Sweep.WORKING_SET_CSV);
        if (Files.exists(workingSet)) {
            charts.addAll(workingSet(Csv.read(workingSet, Sweep.WORKING_SET_COLUMNS)));
        }
        return charts;
    }

    /** Miss ratio against frames, a line a policy, a chart a group. */
    public static List<Chart> missRatio(List<Total> totals, boolean logX) {
        List<Chart> charts = new ArrayList<>();
        Naming naming = new Naming(totals);
        for (List<Total> group : byGroup(totals).values()) {
            List<Series> series = new ArrayList<>();
            for (Map.Entry<String, TreeMap<Integer, Total>> curve : byPolicy(group).entrySet()) {
                series.add(new Series(curve.getKey(), xs(curve.getValue()),
                        curve.getValue().values().stream().mapToDouble(Total::missRatio).toArray(), false));
            }
            Total first = group.get(0);
            charts.add(new Chart(naming.name("miss-ratio", first), "Miss ratio: " + naming.title(first), "frames",
                    "miss ratio (faults / references)", logX, series));
        }
        return charts;
    }

    /** Every rise of faults with more frames, in the order of the totals' groups and policies. */
    public static List<Rise> rises(List<Total> totals) {
        List<Rise> rises = new ArrayList<>();
        for (List<Total> group : byGroup(totals).values()) {
            for (TreeMap<Integer, Total> curve : byPolicy(group).values()) {
                Total previous = null;
                for (Total t : curve.values()) {
                    if (previous != null && t.faults() > previous.faults()) {
                        rises.add(new Rise(t.trace(), t.scope(), t.allocation(), t.quantum(), t.policy(),
                                previous.frames(), previous.faults(), t.frames(), t.faults()));
                    }
                    previous = t;
                }
            }
        }
        return rises;
    }

    /** Faults against frames of FIFO and of every policy with a rise, each rise marked. */
    public static List<Chart> belady(List<Total> totals, boolean logX) {
        List<Chart> charts = new ArrayList<>();
        Naming naming = new Naming(totals);
        for (List<Total> group : byGroup(totals).values()) {
            List<Rise> rises = rises(group);
            Set<String> rising = new HashSet<>();
            rises.forEach(r -> rising.add(r.policy()));
            List<Series> series = new ArrayList<>();
            for (Map.Entry<String, TreeMap<Integer, Total>> curve : byPolicy(group).entrySet()) {
                String policy = curve.getKey();
                if (!policy.equals("fifo") && !rising.contains(policy)) {
                    continue;
                }
                series.add(new Series(policy, xs(curve.getValue()),
                        curve.getValue().values().stream().mapToDouble(Total::faults).toArray(), false));
                List<Rise> own = rises.stream().filter(r -> r.policy().equals(policy)).toList();
                if (!own.isEmpty()) {
                    series.add(new Series(policy + ": faults rise", own.stream().mapToDouble(Rise::more).toArray(),
                            own.stream().mapToDouble(Rise::moreFaults).toArray(), true));
                }
            }
            if (!series.isEmpty()) {
                Total first = group.get(0);
                charts.add(new Chart(naming.name("belady", first), "Belady check (faults rise with more frames): "
                        + naming.title(first), "frames", "faults", logX, series));
            }
        }
        return charts;
    }

    /** Faults over time from timeline.csv's rows: a chart a trace set, policy, frames and quantum. */
    public static List<Chart> timeline(List<String[]> rows) {
        Map<String, Map<String, List<String[]>>> charts = new LinkedHashMap<>();
        Set<String> traces = new HashSet<>();
        Set<String> quanta = new HashSet<>();
        for (String[] f : rows) {
            traces.add(f[0]);
            quanta.add(f[5]);
            String chart = String.join("\t", f[0], f[1], f[2], f[5]);
            String scope = f[3] + (f[4].equals(Cell.NO_ALLOCATION) ? "" : " " + f[4]);
            String line = "pid " + f[6] + " " + f[7] + ", " + scope;
            charts.computeIfAbsent(chart, k -> new LinkedHashMap<>()).computeIfAbsent(line, k -> new ArrayList<>())
                    .add(f);
        }
        List<Chart> result = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Map<String, List<String[]>> lines : charts.values()) {
            String[] first = lines.values().iterator().next().get(0);
            List<Series> series = new ArrayList<>();
            for (Map.Entry<String, List<String[]>> line : lines.entrySet()) {
                series.add(new Series(line.getKey(), column(line.getValue(), 8), column(line.getValue(), 9), false));
            }
            String name = "timeline_" + first[1] + "_" + first[2] + "frames" + (traces.size() > 1 ? "_" + first[0] : "")
                    + (quanta.size() > 1 ? "_q" + first[5] : "");
            result.add(new Chart(unique(used, name), "Faults over time: " + first[1] + ", " + first[2] + " frames, "
                    + "quantum " + first[5] + ", " + first[0], "references replayed (all processes)",
                    "faults so far", false, series));
        }
        return result;
    }

    /** s(τ) from working-set.csv's rows: a chart a trace set, a line a process. */
    public static List<Chart> workingSet(List<String[]> rows) {
        Map<String, Map<String, List<String[]>>> charts = new LinkedHashMap<>();
        for (String[] f : rows) {
            charts.computeIfAbsent(f[0], k -> new LinkedHashMap<>())
                    .computeIfAbsent("pid " + f[1] + " " + f[2], k -> new ArrayList<>()).add(f);
        }
        List<Chart> result = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, Map<String, List<String[]>>> chart : charts.entrySet()) {
            List<Series> series = new ArrayList<>();
            for (Map.Entry<String, List<String[]>> line : chart.getValue().entrySet()) {
                series.add(new Series(line.getKey(), column(line.getValue(), 4), column(line.getValue(), 5), false));
            }
            String name = "working-set" + (charts.size() > 1 ? "_" + chart.getKey() : "");
            result.add(new Chart(unique(used, name), "Average working-set size: " + chart.getKey(),
                    "window τ (the process's own references)", "average working-set size s(τ) (pages)", true, series));
        }
        return result;
    }

    private static double[] column(List<String[]> rows, int column) {
        return rows.stream().mapToDouble(f -> Double.parseDouble(f[column])).toArray();
    }

    private static double[] xs(TreeMap<Integer, Total> curve) {
        return curve.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
    }

    private static Map<String, List<Total>> byGroup(List<Total> totals) {
        Map<String, List<Total>> groups = new LinkedHashMap<>();
        for (Total t : totals) {
            groups.computeIfAbsent(t.group(), k -> new ArrayList<>()).add(t);
        }
        return groups;
    }

    /** A group's curves: policy → frames → total, policies in order of appearance. */
    private static Map<String, TreeMap<Integer, Total>> byPolicy(List<Total> group) {
        Map<String, TreeMap<Integer, Total>> curves = new LinkedHashMap<>();
        for (Total t : group) {
            curves.computeIfAbsent(t.policy(), k -> new TreeMap<>()).put(t.frames(), t);
        }
        return curves;
    }

    /** {@code name}, or {@code name-2}, {@code name-3}, ... when taken; cleaned for a file name. */
    private static String unique(Set<String> used, String name) {
        String clean = name.replaceAll("[^A-Za-z0-9._+-]", "-");
        if (clean.length() > 100) {
            clean = clean.substring(0, 100);
        }
        String candidate = clean;
        for (int n = 2; !used.add(candidate); n++) {
            candidate = clean + "-" + n;
        }
        return candidate;
    }

    /** Names and titles of the charts of a group: only what varies among the groups goes into a name. */
    private static final class Naming {
        private final boolean traces;
        private final boolean setups;
        private final boolean quanta;
        private final Set<String> used = new HashSet<>();

        Naming(List<Total> totals) {
            traces = distinct(totals, Total::trace) > 1;
            setups = distinct(totals, t -> t.scope() + "-" + t.allocation()) > 1;
            quanta = distinct(totals, Total::quantum) > 1;
        }

        private static long distinct(List<Total> totals, Function<Total, Object> key) {
            return totals.stream().map(key).distinct().count();
        }

        String name(String kind, Total t) {
            StringBuilder name = new StringBuilder(kind);
            if (traces) {
                name.append('_').append(t.trace());
            }
            if (setups) {
                name.append('_').append(t.scope()).append(t.allocation().equals(Cell.NO_ALLOCATION) ? ""
                        : "-" + t.allocation());
            }
            if (quanta) {
                name.append("_q").append(t.quantum());
            }
            return unique(used, name.toString());
        }

        String title(Total t) {
            return t.trace() + ", " + t.scope() + (t.allocation().equals(Cell.NO_ALLOCATION) ? "" : " " + t.allocation())
                    + ", quantum " + t.quantum();
        }
    }
}
