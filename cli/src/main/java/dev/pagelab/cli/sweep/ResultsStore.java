package dev.pagelab.cli.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's results on disk, written a cell at a time so that a sweep stopped at any moment can go
 * on where it stopped.
 *
 * <p>Files, in the sweep's folder:
 * <ul>
 *   <li>{@code results.csv}: a header ({@link #COLUMNS}), then per cell one row a process and a
 *       {@code total} row, in that order;</li>
 *   <li>{@code results.jsonl}: one JSON object a cell;</li>
 *   <li>{@code timeline.csv}: the faults so far of every process at every sample of the cells that
 *       record a timeline ({@link #TIMELINE_COLUMNS}), written before the cell's results.</li>
 * </ul>
 *
 * <p>Writing: one thread (the sweep's) appends all of a cell's timeline lines in one write, then
 * all its CSV rows in one write, then its JSON line, flushing after each. A process killed at any
 * moment leaves at most the last line of each file torn (without its line feed).
 *
 * <p>Reading back ({@link #open}): a last line without its line feed is torn and dropped; a cell is
 * done when its {@code total} row follows its rows for pids 0, 1, ..., and its JSON line is there
 * and lists as many processes.
 * Lines of cells that are not done are dropped, and when anything was dropped the three files are
 * written anew (to a temporary file, then moved over the old one) before the sweep appends. When
 * every cell is done, {@link #finish} writes them again in the sweep's order, so that a sweep
 * stopped and started again ends with the same files as one that ran through (but for the
 * {@code elapsed_s} column).
 */
final class ResultsStore implements Closeable {
    static final String RESULTS_CSV = "results.csv";
    static final String RESULTS_JSONL = "results.jsonl";
    static final String TIMELINE_CSV = "timeline.csv";

    /** The columns of results.csv. */
    static final List<String> COLUMNS = List.of("trace", "policy", "frames", "scope", "allocation", "quantum", "pid",
            "process", "pages", "references", "faults", "fault_rate", "writebacks", "quota", "method", "elapsed_s");

    /** The columns of timeline.csv: {@code time} is references replayed (all processes, interleaved). */
    static final List<String> TIMELINE_COLUMNS = List.of("trace", "policy", "frames", "scope", "allocation", "quantum",
            "pid", "process", "time", "faults");

    /** The pid column of a cell's total row. */
    static final String TOTAL = "total";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int KEY_COLUMNS = 6;

    /** A done cell's lines, each with its line feed. */
    private record Lines(List<String> csv, String json, List<String> timeline) {
    }

    private final Path dir;
    private final Map<String, Integer> order;
    private final Map<String, Lines> done;
    private final Writer csv;
    private final Writer jsonl;
    private final Writer timeline;

    private ResultsStore(Path dir, Map<String, Integer> order, Map<String, Lines> done) throws IOException {
        this.dir = dir;
        this.order = order;
        this.done = done;
        this.csv = append(dir.resolve(RESULTS_CSV));
        this.jsonl = append(dir.resolve(RESULTS_JSONL));
        this.timeline = append(dir.resolve(TIMELINE_CSV));
    }

    private static Writer append(Path file) throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /**
     * Opens the results in {@code dir} for the cells of {@code plan}: reads what is there, keeps the
     * cells that are done, and makes the files hold exactly those.
     *
     * @throws IllegalArgumentException when a file holds what no sweep wrote (another header, a
     *                                  line that is not CSV or JSON, a cell that is not in the plan),
     *                                  naming the file and the line
     */
    static ResultsStore open(Path dir, List<Cell> plan) throws IOException {
        Map<String, Integer> order = new HashMap<>();
        for (Cell cell : plan) {
            order.put(cell.key(), cell.index());
        }
        Path csvFile = dir.resolve(RESULTS_CSV);
        Path jsonFile = dir.resolve(RESULTS_JSONL);
        Path timelineFile = dir.resolve(TIMELINE_CSV);
        Map<String, List<String>> csvDone = readCsv(csvFile, COLUMNS, order, true);
        Map<String, JsonLine> jsonDone = readJson(jsonFile, order);
        Map<String, List<String>> timelines = readCsv(timelineFile, TIMELINE_COLUMNS, order, false);
        Map<String, Lines> done = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : csvDone.entrySet()) {
            JsonLine json = jsonDone.get(entry.getKey());
            // Its rows: one a process of the JSON line, and the total.
            if (json != null && entry.getValue().size() == json.processes() + 1) {
                done.put(entry.getKey(), new Lines(entry.getValue(), json.line(),
                        timelines.getOrDefault(entry.getKey(), List.of())));
            }
        }
        rewrite(dir, done, List.copyOf(done.keySet()));
        return new ResultsStore(dir, order, done);
    }

    /** Whether {@code cell} is done. */
    boolean isDone(Cell cell) {
        return done.containsKey(cell.key());
    }

    /** The number of cells done. */
    int doneCount() {
        return done.size();
    }

    /**
     * Appends a finished cell: its timeline (may be null), its rows, its JSON line, each flushed.
     *
     * @throws IllegalStateException when the cell is done already
     */
    void write(CellResult result, Timeline samples) throws IOException {
        String key = result.cell().key();
        if (done.containsKey(key)) {
            throw new IllegalStateException("cell " + result.cell().describe() + " is written twice");
        }
        List<String> timelineLines = samples == null ? List.of() : timelineLines(result, samples);
        List<String> rows = rows(result);
        String json = json(result);
        if (!timelineLines.isEmpty()) {
            timeline.write(String.join("", timelineLines));
            timeline.flush();
        }
        csv.write(String.join("", rows));
        csv.flush();
        jsonl.write(json);
        jsonl.flush();
        done.put(key, new Lines(rows, json, timelineLines));
    }

    /** Writes the three files again with the cells in the sweep's order. */
    void finish() throws IOException {
        close();
        List<String> keys = new ArrayList<>(done.keySet());
        keys.sort(Comparator.comparingInt(order::get));
        rewrite(dir, done, keys);
    }

    @Override
    public void close() throws IOException {
        try (Writer a = csv; Writer b = jsonl; Writer c = timeline) {
            // Closed in reverse order, each even when another fails.
        }
    }

    private static void rewrite(Path dir, Map<String, Lines> done, List<String> keys) throws IOException {
        StringBuilder csv = new StringBuilder(Csv.line(COLUMNS));
        StringBuilder json = new StringBuilder();
        StringBuilder timeline = new StringBuilder(Csv.line(TIMELINE_COLUMNS));
        for (String key : keys) {
            Lines lines = done.get(key);
            lines.csv().forEach(csv::append);
            json.append(lines.json());
            lines.timeline().forEach(timeline::append);
        }
        replace(dir.resolve(RESULTS_CSV), csv.toString());
        replace(dir.resolve(RESULTS_JSONL), json.toString());
        replace(dir.resolve(TIMELINE_CSV), timeline.toString());
    }

    /** Writes {@code file} whole or not at all: a temporary file beside it, moved over it. */
    static void replace(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The complete lines of {@code file} (a last line without its line feed is torn: left out), each without its feed. */
    static List<String> completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return List.of();
        }
        return List.of(text.substring(0, end).split("\n", -1));
    }

    /**
     * The rows of {@code file} by cell key. With {@code cells}, only the cells whose total row
     * follows their pid rows 0, 1, ... (others are dropped); without, every row of a planned cell.
     */
    private static Map<String, List<String>> readCsv(Path file, List<String> columns, Map<String, Integer> order,
                                                     boolean cells) throws IOException {
        List<String> lines = completeLines(file);
        Map<String, List<String>> complete = new LinkedHashMap<>();
        Csv.checkHeader(file, lines, columns);
        Map<String, List<String>> open = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] fields = Csv.fields(file, i + 1, line, columns.size());
            String key = Cell.key(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
            if (!order.containsKey(key)) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": a cell that is not part of this"
                        + " sweep (" + String.join(", ", List.of(fields).subList(0, KEY_COLUMNS)) + ")");
            }
            if (!cells) {
                complete.computeIfAbsent(key, k -> new ArrayList<>()).add(line + "\n");
                continue;
            }
            List<String> rows = open.computeIfAbsent(key, k -> new ArrayList<>());
            String pid = fields[KEY_COLUMNS];
            if (pid.equals(TOTAL)) {
                if (!rows.isEmpty() && !complete.containsKey(key)) {
                    rows.add(line + "\n");
                    complete.put(key, List.copyOf(rows));
                }
                open.remove(key);
            } else if (pid.equals(String.valueOf(rows.size()))) {
                rows.add(line + "\n");
            } else {
                // A row out of sequence: the cell's rows were cut short before; start again from here.
                open.remove(key);
                if (pid.equals("0")) {
                    open.computeIfAbsent(key, k -> new ArrayList<>()).add(line + "\n");
                }
            }
        }
        return complete;
    }

    /** A cell's JSON line and the number of processes it lists. */
    private record JsonLine(String line, int processes) {
    }

    private static Map<String, JsonLine> readJson(Path file, Map<String, Integer> order) throws IOException {
        Map<String, JsonLine> cells = new HashMap<>();
        List<String> lines = completeLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            JsonNode node;
            try {
                node = MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": expected a JSON object, found '"
                        + line + "' (" + e.getOriginalMessage() + ")");
            }
            if (node == null || !node.isObject() || !node.hasNonNull("trace")) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": expected a cell's JSON object");
            }
            String key = Cell.key(node.path("trace").asText(), node.path("policy").asText(),
                    node.path("frames").asText(), node.path("scope").asText(), node.path("allocation").asText(),
                    node.path("quantum").asText());
            if (!order.containsKey(key)) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": a cell that is not part of this"
                        + " sweep (" + key.replace('\t', ' ') + ")");
            }
            cells.put(key, new JsonLine(line + "\n", node.path("processes").size()));
        }
        return cells;
    }

    private static List<String> keyFields(Cell cell) {
        return List.of(cell.trace(), cell.policy(), String.valueOf(cell.frames()), cell.scope().cliName(),
                cell.allocationName(), String.valueOf(cell.quantum()));
    }

    /** The cell's CSV rows: one a process, then the total. */
    static List<String> rows(CellResult result) {
        Cell cell = result.cell();
        List<String> key = keyFields(cell);
        String seconds = String.format(Locale.ROOT, "%.3f", result.seconds());
        List<String> rows = new ArrayList<>();
        for (ProcessCounts p : result.processes()) {
            List<String> row = new ArrayList<>(key);
            row.addAll(List.of(String.valueOf(p.pid()), p.process(), String.valueOf(p.pages()),
                    String.valueOf(p.references()), String.valueOf(p.faults()), rate(p.faults(), p.references()),
                    String.valueOf(p.writebacks()), p.quota() < 0 ? "" : String.valueOf(p.quota()), result.method(),
                    seconds));
            rows.add(Csv.line(row));
        }
        List<String> total = new ArrayList<>(key);
        total.addAll(List.of(TOTAL, "", String.valueOf(result.pages()), String.valueOf(result.references()),
                String.valueOf(result.faults()), rate(result.faults(), result.references()),
                String.valueOf(result.writebacks()), cell.allocation() == null ? "" : String.valueOf(cell.frames()),
                result.method(), seconds));
        rows.add(Csv.line(total));
        return rows;
    }

    private static String rate(long faults, long references) {
        return String.format(Locale.ROOT, "%.6f", references == 0 ? 0.0 : (double) faults / references);
    }

    /** The cell's JSON line. */
    static String json(CellResult result) {
        Cell cell = result.cell();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("trace", cell.trace());
        root.put("policy", cell.policy());
        root.put("frames", cell.frames());
        root.put("scope", cell.scope().cliName());
        root.put("allocation", cell.allocationName());
        root.put("quantum", cell.quantum());
        root.put("method", result.method());
        root.put("elapsedSeconds", result.seconds());
        ArrayNode processes = root.putArray("processes");
        for (ProcessCounts p : result.processes()) {
            ObjectNode n = processes.addObject();
            n.put("pid", p.pid());
            n.put("process", p.process());
            n.put("pages", p.pages());
            n.put("references", p.references());
            n.put("faults", p.faults());
            n.put("faultRate", p.faultRate());
            n.put("writebacks", p.writebacks());
            if (p.quota() < 0) {
                n.putNull("quota");
            } else {
                n.put("quota", p.quota());
            }
        }
        ObjectNode total = root.putObject("total");
        total.put("pages", result.pages());
        total.put("references", result.references());
        total.put("faults", result.faults());
        total.put("faultRate", result.references() == 0 ? 0.0 : (double) result.faults() / result.references());
        total.put("writebacks", result.writebacks());
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> timelineLines(CellResult result, Timeline samples) {
        List<String> key = keyFields(result.cell());
        List<String> lines = new ArrayList<>();
        for (ProcessCounts p : result.processes()) {
            for (int s = 0; s < samples.size(); s++) {
                List<String> row = new ArrayList<>(key);
                row.addAll(List.of(String.valueOf(p.pid()), p.process(), String.valueOf(samples.time(s)),
                        String.valueOf(samples.faults(s, p.pid()))));
                lines.add(Csv.line(row));
            }
        }
        return lines;
    }
}
