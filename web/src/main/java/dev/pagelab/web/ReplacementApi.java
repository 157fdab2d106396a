package dev.pagelab.web;

import static dev.pagelab.web.StateViews.ordered;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replace.PolicyInfo;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.ProcessResult;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import dev.pagelab.replay.SteppedProcesses;
import dev.pagelab.replay.SteppedReplacement;
import dev.pagelab.replay.SteppedString;
import dev.pagelab.trace.RefKind;
import dev.pagelab.trace.TraceBlock;
import dev.pagelab.trace.TraceFormatException;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.Traces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The <i>Replacement</i> view's API: policies side by side over one reference string, every step
 * recorded ({@link SteppedReplacement}), and several processes' resident sets over time
 * ({@link SteppedProcesses}). Stateless: a request records its string afresh (100,000 references
 * and six policies take well under a second) and answers a window of steps, at most
 * {@link SteppedReplacement#MAX_STEPS_AT_ONCE}, with the whole run's totals.
 *
 * <p>A string is typed ({@code refs}, {@link SteppedString#parse}'s syntax: {@code 7 0 1 2w}),
 * drawn ({@code random}), or the first {@code limit} references of a trace given on the command
 * line ({@code trace}), its pages numbered in order of first use (the answer maps them back).
 * For a trace, {@code "whole": true} adds each policy's totals over the entire trace from the
 * fast engine ({@link Replay}), streamed in constant memory and kept for the next request.
 */
final class ReplacementApi {
    /** The window of steps an answer carries when the request names none. */
    static final int DEFAULT_WINDOW = 200;

    private final ObjectMapper mapper;
    private final Map<String, Path> traces;
    private final PolicyRegistry registry = PolicyRegistry.builtIn();
    private final Map<String, Map<String, Object>> wholeTotals = new ConcurrentHashMap<>();

    ReplacementApi(ObjectMapper mapper, Map<String, Path> traces) {
        this.mapper = mapper;
        this.traces = traces;
    }

    /** The policies there are. */
    List<Object> policies() {
        List<Object> out = new ArrayList<>();
        for (String name : registry.names()) {
            PolicyInfo info = registry.info(name);
            out.add(ordered("name", name, "description", info.summary(),
                    "hardwareBits", info.visibility() == dev.pagelab.replace.Visibility.HARDWARE_BITS,
                    "needsFuture", info.needsFuture(), "variableAllocation", info.variableAllocation()));
        }
        return out;
    }

    /** The traces given on the command line, by name. */
    List<Object> traceList() {
        List<Object> out = new ArrayList<>();
        traces.forEach((name, path) -> out.add(ordered("name", name)));
        return out;
    }

    // ---------------------------------------------------------------- one string, several policies

    Map<String, Object> compare(byte[] body) {
        JsonNode req = parse(body);
        Source source = string(req);
        int frames = intField(req, "frames", 3, 1, SteppedReplacement.MAX_FRAMES);
        List<String> policies = new ArrayList<>();
        JsonNode p = req.get("policies");
        if (p == null || !p.isArray() || p.isEmpty()) {
            throw ApiException.badRequest("'policies' is missing: expected a list of policy names such as"
                    + " [\"fifo\", \"lru\", \"opt\", \"clock\"] (GET /api/replacement/policies lists them)");
        }
        if (p.size() > 8) {
            throw ApiException.badRequest("'policies' names " + p.size() + " policies: at most 8 side by side");
        }
        p.forEach(n -> policies.add(n.asText()));
        PolicyConfig config = policyConfig(req);
        List<SteppedReplacement> runs;
        try {
            runs = SteppedReplacement.recordAll(source.string(), frames, policies, config, registry);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        int length = source.string().length();
        int most = runs.getFirst().maxStepsAtOnce();
        int from = intField(req, "from", 0, 0, Math.max(0, length - 1));
        int to = intField(req, "to", Math.min(length, from + Math.min(DEFAULT_WINDOW, most)), from + 1, length);
        if (to - from > most) {
            throw ApiException.badRequest("from " + from + " to " + to + " is " + (to - from) + " steps: at most "
                    + most + " at once with " + frames + " frames");
        }
        List<Object> references = new ArrayList<>();
        for (int i = from; i < to; i++) {
            references.add(ordered("page", source.string().page(i), "write", source.string().isWrite(i)));
        }
        List<Object> results = new ArrayList<>();
        for (SteppedReplacement run : runs) {
            SteppedReplacement.Totals t = run.totals();
            Map<String, Object> r = ordered("name", run.policy(),
                    "totals", ordered("references", t.references(), "hits", t.hits(), "faults", t.faults(),
                            "writeBacks", t.writebacks(), "released", t.released()),
                    "hits", hitString(run.timeline().hits()), "steps", steps(run.steps(from, to)));
            if (source.trace() != null && req.path("whole").asBoolean(false)) {
                r.put("wholeTrace", whole(source.trace(), frames, run.policy(), config));
            }
            results.add(r);
        }
        Map<String, Object> out = ordered("length", length, "from", from, "to", to, "frames", frames,
                "string", length <= 2_000 ? source.string().format() : null, "references", references,
                "policies", results);
        if (source.pageNames() != null) {
            out.put("pageNames", source.pageNames());
        }
        return out;
    }

    private static String hitString(boolean[] hits) {
        StringBuilder s = new StringBuilder(hits.length);
        for (boolean h : hits) {
            s.append(h ? 'H' : 'F');
        }
        return s.toString();
    }

    private static List<Object> steps(List<SteppedReplacement.Step> steps) {
        List<Object> out = new ArrayList<>(steps.size());
        for (SteppedReplacement.Step s : steps) {
            List<Object> bits = new ArrayList<>();
            for (SteppedReplacement.PageState ps : s.resident()) {
                bits.add(pageState(ps));
            }
            Map<String, Object> m = ordered("index", s.index(), "page", s.page(), "write", s.write(), "hit", s.hit(),
                    "tick", s.tick(), "frame", s.frame(), "frames", s.frames(), "bits", bits);
            SteppedReplacement.Victim v = s.victim();
            m.put("victim", v == null ? null : v.page());
            m.put("writtenBack", v != null && v.writtenBack());
            m.put("why", v == null ? (s.hit() ? "hit: page " + s.page() + " is resident in frame " + s.frame()
                    : "fault: page " + s.page() + " takes the free frame " + s.frame()) : v.reason());
            if (v != null) {
                List<Object> probes = new ArrayList<>();
                v.probes().forEach(pr -> probes.add(ordered("page", pr.page(), "referencedBefore", pr.referencedBefore())));
                List<Object> candidates = new ArrayList<>();
                v.candidates().forEach(c -> candidates.add(pageState(c)));
                m.put("probes", probes);
                m.put("probeCount", v.probeCount());
                m.put("clearedCount", v.clearedCount());
                m.put("candidates", candidates);
            }
            List<Object> released = new ArrayList<>();
            s.released().forEach(r -> released.add(ordered("page", r.page(), "frame", r.frame(), "writtenBack", r.writtenBack())));
            m.put("released", released);
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> pageState(SteppedReplacement.PageState ps) {
        return ordered("page", ps.page(), "frame", ps.frame(), "referenced", ps.referenced(), "dirty", ps.dirty(),
                "loadedAt", ps.loadedAt(), "lastUse", ps.lastUse(), "uses", ps.uses(),
                "nextUse", ps.nextUse() == SteppedReplacement.NEVER ? null : ps.nextUse());
    }

    // ---------------------------------------------------------------- several processes

    Map<String, Object> processes(byte[] body) {
        JsonNode req = parse(body);
        List<SteppedString> strings = new ArrayList<>();
        JsonNode list = req.get("processes");
        JsonNode random = req.get("random");
        if (list != null && list.isArray() && !list.isEmpty()) {
            int i = 0;
            for (JsonNode n : list) {
                try {
                    strings.add(SteppedString.parse(n.asText()));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("processes[" + i + "]: " + e.getMessage());
                }
                i++;
            }
        } else if (random != null && random.isObject()) {
            int n = intField(random, "processes", 3, 1, SteppedProcesses.MAX_PROCESSES);
            for (int i = 0; i < n; i++) {
                strings.add(randomString(random, i));
            }
        } else {
            throw ApiException.badRequest("expected 'processes' (a list of reference strings, one a process) or"
                    + " 'random' ({\"processes\": 3, \"length\": 200, \"pages\": 10, \"seed\": 1})");
        }
        int frames = intField(req, "frames", 8, 1, SteppedReplacement.MAX_FRAMES);
        Scope scope = switch (req.path("scope").asText("local").toLowerCase(Locale.ROOT)) {
            case "local" -> Scope.LOCAL;
            case "global" -> Scope.GLOBAL;
            default -> throw ApiException.badRequest("scope '" + req.path("scope").asText() + "': expected local or global");
        };
        String policy = req.path("policy").asText("lru");
        ReplayConfig config = ReplayConfig.of(frames, scope);
        String allocation = req.path("allocation").asText("equal");
        try {
            config = config.withAllocation(allocationMode(allocation), null, priorities(req, strings.size()));
            if (req.has("minimum")) {
                config = config.withMinimumFrames(intField(req, "minimum", 0, 0, frames));
            }
            config = config.withQuantum(intField(req, "quantum", (int) ReplayConfig.DEFAULT_QUANTUM, 1, 1_000_000))
                    .withPolicy(policyConfig(req));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        SteppedProcesses run;
        try {
            run = SteppedProcesses.record(strings, policy, config, registry);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        List<Object> samples = new ArrayList<>();
        for (SteppedProcesses.Sample s : run.samples()) {
            samples.add(ordered("t", s.step(), "resident", s.resident(), "faults", s.faults(), "owners", s.owners()));
        }
        List<Object> processes = new ArrayList<>();
        long faults = 0;
        long writeBacks = 0;
        long references = 0;
        for (ProcessResult r : run.results()) {
            processes.add(ordered("pid", r.pid(), "references", r.references(), "faults", r.faults(),
                    "writeBacks", r.writebacks(), "pages", r.pages()));
            faults += r.faults();
            writeBacks += r.writebacks();
            references += r.references();
        }
        return ordered("policy", run.policy(), "scope", scope.name().toLowerCase(Locale.ROOT), "allocation", allocation,
                "frames", frames, "length", run.length(), "sampleEvery", run.sampleEvery(), "firstFrame", run.firstFrame(),
                "samples", samples, "processes", processes,
                "totals", ordered("references", references, "faults", faults, "writeBacks", writeBacks));
    }

    private static AllocationMode allocationMode(String name) {
        for (AllocationMode mode : AllocationMode.values()) {
            if (mode.cliName().equals(name.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw ApiException.badRequest("allocation '" + name + "': expected equal, proportional or priority");
    }

    private static long[] priorities(JsonNode req, int n) {
        long[] out = new long[n];
        JsonNode p = req.get("priorities");
        for (int i = 0; i < n; i++) {
            out[i] = p != null && p.isArray() && i < p.size() ? p.get(i).asLong(1) : 1;
        }
        return out;
    }

    // ---------------------------------------------------------------- the string

    /** A string, and for a trace its name and the trace page of each id. */
    private record Source(SteppedString string, String trace, List<String> pageNames) {
    }

    private Source string(JsonNode req) {
        if (req.hasNonNull("refs")) {
            try {
                return new Source(SteppedString.parse(req.get("refs").asText()), null, null);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("refs: " + e.getMessage());
            }
        }
        if (req.has("random") && req.get("random").isObject()) {
            return new Source(randomString(req.get("random"), 0), null, null);
        }
        if (req.hasNonNull("trace")) {
            return traceString(req.get("trace").asText(), intField(req, "limit", 1_000, 1, SteppedString.MAX_REFERENCES));
        }
        throw ApiException.badRequest("expected one of 'refs' (\"7 0 1 2 0 3w\"), 'random' ({\"length\": 30,"
                + " \"pages\": 8, \"writeShare\": 0.2, \"seed\": 1}) or 'trace' (a trace given to pagelab serve --replay)");
    }

    private static SteppedString randomString(JsonNode r, int index) {
        int length = intField(r, "length", 30, 1, SteppedString.MAX_REFERENCES);
        int pages = intField(r, "pages", 8, 1, SteppedString.MAX_PAGE + 1);
        double writeShare = r.path("writeShare").asDouble(0.2);
        double locality = r.path("locality").asDouble(0.0);
        long seed = r.path("seed").asLong(1) + index;
        try {
            return SteppedString.random(length, pages, writeShare, seed, locality);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("random: " + e.getMessage());
        }
    }

    private Source traceString(String name, int limit) {
        Path file = traces.get(name);
        if (file == null) {
            throw ApiException.notFound("no trace '" + name + "': " + (traces.isEmpty()
                    ? "the server was started without --replay" : "there are " + String.join(", ", traces.keySet())));
        }
        int[] pages = new int[limit];
        boolean[] writes = new boolean[limit];
        Map<Long, Integer> ids = new HashMap<>();
        List<String> names = new ArrayList<>();
        int n = 0;
        try (TraceReader reader = Traces.open(file, TraceOptions.DEFAULTS)) {
            TraceBlock block = new TraceBlock(Math.min(TraceBlock.DEFAULT_CAPACITY, limit));
            while (n < limit && reader.read(block) > 0) {
                for (int i = 0; i < block.size && n < limit; i++, n++) {
                    long page = block.pages[i];
                    Integer id = ids.get(page);
                    if (id == null) {
                        id = ids.size();
                        ids.put(page, id);
                        names.add("0x" + Long.toHexString(page));
                    }
                    pages[n] = id;
                    writes[n] = RefKind.isWrite(block.kinds[i]);
                }
            }
        } catch (TraceFormatException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the trace " + name + ": " + e.getMessage());
        }
        if (n == 0) {
            throw ApiException.badRequest("the trace " + name + " has no references");
        }
        return new Source(new SteppedString(java.util.Arrays.copyOf(pages, n), java.util.Arrays.copyOf(writes, n)),
                name, names);
    }

    /** The fast engine's totals over the whole trace, computed once for each trace, frames and policy. */
    private Map<String, Object> whole(String name, int frames, String policy, PolicyConfig config) {
        if (registry.info(policy).needsFuture()) {
            return ordered("skipped", policy + " needs every future reference in memory (about 4 bytes a"
                    + " reference); run it over the whole trace with pagelab replay");
        }
        String key = name + "|" + frames + "|" + policy + "|" + config;
        return wholeTotals.computeIfAbsent(key, k -> {
            try {
                List<TraceReader> readers = Traces.openAhead(List.of(traces.get(name)), TraceOptions.DEFAULTS);
                try {
                    ReplayResult result = Replay.run(readers, List.of(policy),
                            ReplayConfig.of(frames, Scope.GLOBAL).withPolicy(config), registry, null);
                    PolicyResult r = result.policies().getFirst();
                    return ordered("references", r.references(), "faults", r.faults(), "writeBacks", r.writebacks());
                } finally {
                    Traces.closeAll(readers);
                }
            } catch (IOException e) {
                throw ApiException.badRequest("cannot read the trace " + name + ": " + e.getMessage());
            }
        });
    }

    // ---------------------------------------------------------------- request fields

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: expected a JSON object");
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("the request body is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    private static PolicyConfig policyConfig(JsonNode req) {
        PolicyConfig config = PolicyConfig.DEFAULTS;
        try {
            if (req.has("seed")) {
                config = config.withSeed(req.get("seed").asLong());
            }
            if (req.has("tickInterval")) {
                config = config.withTickInterval(req.get("tickInterval").asLong());
            }
            if (req.has("clockLoadBit")) {
                config = config.withClockLoadBit(req.get("clockLoadBit").asInt());
            }
            if (req.has("tau")) {
                config = config.withTau(req.get("tau").asLong());
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return config;
    }

    static int intField(JsonNode node, String name, int fallback, int min, int max) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !(v.isIntegralNumber() || v.isTextual() && v.asText().matches("-?\\d+"))) {
            throw ApiException.badRequest("'" + name + "' is " + v + ": expected a whole number from " + min + " to " + max);
        }
        int value = v.asInt();
        if (value < min || value > max) {
            throw ApiException.badRequest("'" + name + "' is " + value + ": expected " + min + " to " + max);
        }
        return value;
    }
}
