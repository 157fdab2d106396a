package dev.pagelab.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.TraceOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that decides a sweep's results, as {@code DIR/sweep.json} keeps it: pagelab's version,
 * the traces (name, size, SHA-256), and every option that changes a count. Options that change
 * only how the results are computed or shown ({@code --jobs}, {@code --quiet}, {@code --chart},
 * {@code --log-x}, {@code --stream}) are not part of it, so a stopped sweep may go on with other
 * ones.
 *
 * <p>The cells are the product trace sets × scopes × allocations × quanta × policies × frames, in
 * that order ({@link #cells()}); under global scope there are no quotas, so global cells are made
 * once with allocation {@code none}, whatever {@code --allocation} lists.
 *
 * @param version           {@code pagelab VERSION}, as {@code --version} prints it
 * @param traces            the traces in the order given
 * @param each              whether each trace is a sweep of its own (a trace set a trace) rather
 *                          than all of them the processes of one replay
 * @param policies          the policies in the order given
 * @param frames            the frame counts, ascending
 * @param scopes            the scopes in the order given
 * @param allocations       the allocations of local scope in the order given
 * @param quanta            the quanta, ascending
 * @param sizes             {@code --sizes}, or null
 * @param priorities        {@code --priorities}, or null
 * @param minimumFrames     {@code --min-frames}, or {@link ReplayConfig#DEFAULT_MINIMUM}
 * @param policy            the policies' parameters
 * @param traceOptions      how the traces are read
 * @param timelineEvery     {@code --timeline}: references between two samples of the faults so far,
 *                          or 0 for no timeline
 * @param timelineFrames    the frame counts whose cells record a timeline
 * @param workingSetWindows the windows of the working-set curve, or null for the default series
 */
public record SweepSpec(String version, List<TraceFile> traces, boolean each, List<String> policies, int[] frames,
                        List<Scope> scopes, List<AllocationMode> allocations, long[] quanta, long[] sizes,
                        long[] priorities, int minimumFrames, PolicyConfig policy, TraceOptions traceOptions,
                        long timelineEvery, int[] timelineFrames, long[] workingSetWindows) {
    /** The spec's file in a sweep's folder. */
    public static final String FILE = "sweep.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public SweepSpec {
        traces = List.copyOf(traces);
        policies = List.copyOf(policies);
        scopes = List.copyOf(scopes);
        allocations = List.copyOf(allocations);
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(traceOptions, "traceOptions");
        if (traces.isEmpty() || policies.isEmpty() || frames.length == 0 || scopes.isEmpty() || quanta.length == 0) {
            throw new IllegalArgumentException("a sweep needs at least one trace, policy, frame count, scope and"
                    + " quantum");
        }
        if (scopes.contains(Scope.LOCAL) && allocations.isEmpty()) {
            throw new IllegalArgumentException("local scope needs at least one allocation");
        }
        if (new HashSet<>(policies).size() != policies.size()) {
            throw new IllegalArgumentException("--policy: a policy is named twice in " + policies);
        }
        if (each) {
            Set<String> names = new HashSet<>();
            for (TraceFile trace : traces) {
                if (!names.add(trace.name())) {
                    throw new IllegalArgumentException("--each: two traces are named " + trace.name()
                            + ": their rows could not be told apart; rename one");
                }
            }
        }
        if (timelineEvery < 0) {
            throw new IllegalArgumentException("--timeline: expected a positive number of references, got "
                    + timelineEvery);
        }
    }

    /** The number of trace sets: one, or one a trace with {@link #each}. */
    public int sets() {
        return each ? traces.size() : 1;
    }

    /** The name of trace set {@code set}: its traces' file names joined with {@code +}. */
    public String setName(int set) {
        return String.join("+", setTraces(set).stream().map(TraceFile::name).toList());
    }

    /** The traces of set {@code set}, in order: its processes. */
    public List<TraceFile> setTraces(int set) {
        return each ? List.of(traces.get(set)) : traces;
    }

    /** The paths of set {@code set}'s traces. */
    public List<Path> setPaths(int set) {
        return setTraces(set).stream().map(TraceFile::path).toList();
    }

    /** Every cell, in the results' order. */
    public List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (int set = 0; set < sets(); set++) {
            String name = setName(set);
            for (Scope scope : scopes) {
                List<AllocationMode> modes = scope == Scope.GLOBAL ? Arrays.asList((AllocationMode) null) : allocations;
                for (AllocationMode mode : modes) {
                    for (long quantum : quanta) {
                        for (String policy : policies) {
                            for (int m : frames) {
                                cells.add(new Cell(cells.size(), set, name, policy, m, scope, mode, quantum));
                            }
                        }
                    }
                }
            }
        }
        return cells;
    }

    /** The replay's configuration of {@code cell}: what {@code pagelab replay} with the same options uses. */
    public ReplayConfig config(Cell cell) {
        return new ReplayConfig(cell.frames(), cell.scope(),
                cell.allocation() == null ? AllocationMode.EQUAL : cell.allocation(), sizes, priorities,
                minimumFrames, cell.quantum(), policy);
    }

    /** Whether {@code cell} records a timeline. */
    public boolean timeline(Cell cell) {
        return timelineEvery > 0 && Arrays.binarySearch(timelineFrames, cell.frames()) >= 0;
    }

    /** The spec as {@code sweep.json} holds it. */
    public ObjectNode toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("pagelab", version);
        ArrayNode files = root.putArray("traces");
        for (TraceFile trace : traces) {
            ObjectNode file = files.addObject();
            file.put("name", trace.name());
            file.put("bytes", trace.bytes());
            file.put("sha256", trace.sha256());
            file.put("path", trace.path().toString());
        }
        root.put("each", each);
        root.set("policies", MAPPER.valueToTree(policies));
        root.set("frames", MAPPER.valueToTree(frames));
        root.set("scopes", MAPPER.valueToTree(scopes.stream().map(Scope::cliName).toList()));
        root.set("allocations", MAPPER.valueToTree(allocations.stream().map(AllocationMode::cliName).toList()));
        root.set("quanta", MAPPER.valueToTree(quanta));
        root.set("sizes", MAPPER.valueToTree(sizes));
        root.set("priorities", MAPPER.valueToTree(priorities));
        if (minimumFrames == ReplayConfig.DEFAULT_MINIMUM) {
            root.putNull("minFrames");
        } else {
            root.put("minFrames", minimumFrames);
        }
        root.set("parameters", MAPPER.valueToTree(policy));
        ObjectNode reading = root.putObject("traceOptions");
        reading.put("format", traceOptions.format() == null ? null : traceOptions.format().cliName());
        reading.put("pageSize", traceOptions.pageSize());
        reading.put("instructions", traceOptions.instructions());
        if (timelineEvery > 0) {
            ObjectNode timeline = root.putObject("timeline");
            timeline.put("every", timelineEvery);
            timeline.set("frames", MAPPER.valueToTree(timelineFrames));
        } else {
            root.putNull("timeline");
        }
        root.set("workingSetWindows", MAPPER.valueToTree(workingSetWindows));
        return root;
    }

    /**
     * What differs between a stored spec and this one, one phrase a difference ({@code frames was
     * [8,16], now [8,16,32]}); empty when they make the same results. Trace paths are not compared.
     */
    public List<String> differences(JsonNode stored) {
        // Through text and back, so that numbers have the types that reading gives them (an int
        // written from a long reads back as an int node, which a long node does not equal).
        JsonNode now;
        try {
            now = MAPPER.readTree(MAPPER.writeValueAsString(toJson()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> differences = new ArrayList<>();
        Set<String> fields = new java.util.LinkedHashSet<>();
        now.fieldNames().forEachRemaining(fields::add);
        stored.fieldNames().forEachRemaining(fields::add);
        for (String field : fields) {
            JsonNode was = stored.get(field);
            JsonNode is = now.get(field);
            if (field.equals("traces") && was != null && was.isArray()) {
                traceDifferences(was, is, differences);
            } else if (!Objects.equals(was, is)) {
                differences.add(field + " was " + text(was) + ", now " + text(is));
            }
        }
        return differences;
    }

    private static void traceDifferences(JsonNode was, JsonNode is, List<String> differences) {
        if (was.size() != is.size()) {
            differences.add("traces were " + was.size() + " files, now " + is.size());
            return;
        }
        for (int i = 0; i < was.size(); i++) {
            ObjectNode a = ((ObjectNode) was.get(i)).deepCopy();
            ObjectNode b = ((ObjectNode) is.get(i)).deepCopy();
            a.remove("path");
            b.remove("path");
            for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode old = a.get(entry.getKey());
                if (!Objects.equals(old, entry.getValue())) {
                    differences.add("trace " + (i + 1) + " (" + b.get("name").asText() + ") " + entry.getKey() + " was "
                            + text(old) + ", now " + text(entry.getValue()));
                }
            }
        }
    }

    private static String text(JsonNode node) {
        return node == null ? "absent" : node.toString();
    }
}
