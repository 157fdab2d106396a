package dev.pagelab.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagelab.hw.Tlb;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.proc.Process;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.ScenarioReader;
import dev.pagelab.scenario.ScenarioRunner;
import dev.pagelab.scenario.StepEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API against an independent run of the same scenario: what the server says about the
 * machine after step K is what a {@link ScenarioRunner} of our own, run to step K, holds (frame
 * owners, directory entries read from physical memory, walks, TLB lines); and every bad request
 * gets a 4xx with a JSON message while the server goes on serving.
 */
class WebServerTest {
    private static WebServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = WebServer.start(WebServer.Settings.of(scenario("seeds-walkthrough.yaml"), ApiClient.examples())
                .withLimits(64 * 1024, 4));
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Scenario scenario(String name) {
        return ScenarioReader.parse("examples/" + name, ApiClient.example(name), null);
    }

    /** Our own run of {@code name} to step {@code k}. */
    private static ScenarioRunner runTo(String name, int k) {
        return runTo(scenario(name), k);
    }

    private static ScenarioRunner runTo(Scenario scenario, int k) {
        ScenarioRunner runner = ScenarioRunner.boot(scenario, ScenarioRunner.Options.DEFAULT);
        for (int i = 0; i < k; i++) {
            runner.nextStep();
        }
        return runner;
    }

    /** The runs of [from, to) of an accounting, a frame at a time, as the API writes them. */
    private static List<List<Object>> runsOf(FrameAccounting a, long from, long to) {
        List<List<Object>> out = new ArrayList<>();
        long start = from;
        for (long pfn = from + 1; pfn <= to; pfn++) {
            if (pfn == to || a.ownerOf(pfn) != a.ownerOf(start) || a.processOf(pfn) != a.processOf(start)) {
                out.add(List.of(start, pfn, StateViews.key(a.ownerOf(start)), (long) a.processOf(start)));
                start = pfn;
            }
        }
        return out;
    }

    private static List<List<Object>> runsOf(JsonNode memory) {
        List<List<Object>> out = new ArrayList<>();
        for (JsonNode r : memory.get("runs")) {
            out.add(List.of(r.get(0).asLong(), r.get(1).asLong(), r.get(2).asText(), r.get(3).asLong()));
        }
        return out;
    }

    @Test
    void info_always_listsEndpointsOwnersAndDecodingTables() {
        JsonNode info = api.get("/api/info").json();
        assertThat(info.get("endpoints").toString()).contains("POST /api/scenario", "/walk", "/tlb", "/memory");
        assertThat(info.get("owners").size()).isEqualTo(dev.pagelab.pmm.FrameOwner.values().length);
        assertThat(info.at("/entryBits/pte/0/name").asText()).isEqualTo("P");
        assertThat(info.at("/entryBits/pte/0/mask").asLong()).isEqualTo(1);
        assertThat(info.get("examples").toString()).contains("stale-tlb.yaml");
        assertThat(api.get("/api/examples").json().toString()).isEqualTo(info.get("examples").toString());
        assertThat(api.get("/api/sessions").json().get(0).get("id").asText()).isEqualTo("s1");
    }

    @Test
    void memory_atEveryStep_isTheAccountingOfAnIndependentRun() {
        JsonNode summary = api.get("/api/sessions/s1").json();
        int steps = summary.get("stepsRun").asInt();
        assertThat(steps).isEqualTo(scenario("seeds-walkthrough.yaml").steps().size());
        Set<String> ownersSeen = new HashSet<>();
        // Forward, then backward (the server boots again to go back), then forward again.
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k <= steps; k += 3) {
            order.add(k);
        }
        for (int k = steps; k >= 0; k -= 4) {
            order.add(k);
        }
        for (int k : order) {
            JsonNode memory = api.get("/api/sessions/s1/memory?step=" + k).json();
            assertThat(memory.get("step").asInt()).isEqualTo(k);
            FrameAccounting truth = runTo("seeds-walkthrough.yaml", k).kernel().accounting();
            assertThat(memory.get("topPfn").asLong()).isEqualTo(truth.topPfn());
            long expectedStart = 0;
            for (JsonNode run : memory.get("runs")) {
                long start = run.get(0).asLong();
                long end = run.get(1).asLong();
                assertThat(start).as("runs are contiguous at step %d", k).isEqualTo(expectedStart);
                assertThat(end).isGreaterThan(start);
                String owner = run.get(2).asText();
                ownersSeen.add(owner);
                for (long pfn = start; pfn < end; pfn += Math.max(1, (end - start) / 64)) {
                    assertThat(StateViews.key(truth.ownerOf(pfn))).as("frame %d at step %d", pfn, k).isEqualTo(owner);
                }
                assertThat(StateViews.key(truth.ownerOf(end - 1))).isEqualTo(owner);
                expectedStart = end;
            }
            assertThat(expectedStart).isEqualTo(truth.topPfn());
            long sum = 0;
            for (JsonNode n : memory.get("counts")) {
                sum += n.asLong();
            }
            assertThat(sum).isEqualTo(truth.topPfn());
        }
        // Coverage: the walk-through's steps take frames for page tables, kmmap and the heap.
        assertThat(ownersSeen).contains("free", "kernel-image", "page-table", "heap", "allocated");
        assertThat(api.get("/api/sessions/s1").json().get("position").asInt()).isEqualTo(order.get(order.size() - 1));
    }

    @Test
    void memory_interleavedOwnersOverTheBudget_answersBucketsWhoseCountsAddUp_andNarrowRangesTheExactRuns() {
        String yaml = TestScenarios.interleaved(100);
        String id = api.post("/api/scenario?name=interleaved.yaml", yaml).json().get("id").asText();
        String base = "/api/sessions/" + id + "/memory";
        Scenario scenario = ScenarioReader.parse("interleaved.yaml", yaml, null);
        int steps = scenario.steps().size();
        FrameAccounting truth = runTo(scenario, steps).kernel().accounting();
        long top = truth.topPfn();

        // Unbounded: every run, as our own run has them.
        JsonNode all = api.get(base + "?step=" + steps + "&maxRuns=65536").json();
        assertThat(all.get("summary").asBoolean()).isFalse();
        List<List<Object>> runs = runsOf(all);
        assertThat(runs).isEqualTo(runsOf(truth, 0, top));
        assertThat(runs.size()).as("the oracle: the frames alternate owners").isGreaterThan(200);
        long ramEnd = top;
        while (truth.ownerOf(ramEnd - 1) == FrameOwner.NOT_IN_MAP || truth.ownerOf(ramEnd - 1) == FrameOwner.FIRMWARE) {
            ramEnd--;
        }
        assertThat(all.get("ramEndPfn").asLong()).isEqualTo(ramEnd).isLessThan(top);

        // Over the budget, the whole map and the interleaved stretch: buckets whose counts add up to the frames.
        long from = -1;
        long to = -1;
        for (List<Object> r : runs) {
            if (r.get(2).equals("kernel-data")) {
                from = from < 0 ? (long) r.get(0) : from;
                to = (long) r.get(1);
            }
        }
        int nonUniform = 0;
        for (String range : List.of("", "&from=" + from + "&to=" + to)) {
            JsonNode memory = api.get(base + "?step=" + steps + "&maxRuns=32" + range).json();
            String where = "range '" + range + "'";
            assertThat(memory.get("summary").asBoolean()).as(where).isTrue();
            long start = range.isEmpty() ? 0 : from;
            long end = range.isEmpty() ? top : to;
            assertThat(memory.get("fromPfn").asLong()).isEqualTo(start);
            assertThat(memory.get("toPfn").asLong()).isEqualTo(end);
            assertThat(memory.get("runs").size()).as(where).isBetween(2, 32);
            Map<String, Long> totals = new TreeMap<>();
            long next = start;
            for (JsonNode bucket : memory.get("runs")) {
                long a = bucket.get(0).asLong();
                long b = bucket.get(1).asLong();
                assertThat(a).as(where).isEqualTo(next);
                long frames = 0;
                if (bucket.size() == 4) {
                    // one owner and process: a run, or a piece of one
                    totals.merge(bucket.get(2).asText(), b - a, Long::sum);
                    frames = b - a;
                } else {
                    for (var e : bucket.get(4).properties()) {
                        totals.merge(e.getKey(), e.getValue().asLong(), Long::sum);
                        frames += e.getValue().asLong();
                    }
                    nonUniform++;
                }
                assertThat(frames).as("%s: bucket [%d, %d)", where, a, b).isEqualTo(b - a);
                next = b;
            }
            assertThat(next).as(where).isEqualTo(end);
            Map<String, Long> expected = new TreeMap<>();
            for (long pfn = start; pfn < end; pfn++) {
                expected.merge(StateViews.key(truth.ownerOf(pfn)), 1L, Long::sum);
            }
            assertThat(totals).as(where).isEqualTo(expected);
            // The whole map's counts whatever the range.
            truth.counts().forEach((owner, n) ->
                    assertThat(memory.at("/counts/" + StateViews.key(owner)).asLong()).as("%s: %s", where, owner).isEqualTo(n));
        }
        assertThat(nonUniform).as("buckets of several owners").isGreaterThan(1);

        // Narrow ranges, under the default budget, are the unbounded runs cut to them.
        long span = to - from;
        for (long[] r : new long[][] {{from, from + 7}, {from + 3, from + 50}, {from + span / 2, to + 40}, {0, from + 1},
                {to - 1, top}}) {
            JsonNode narrow = api.get(base + "?step=" + steps + "&from=" + r[0] + "&to=" + r[1]).json();
            assertThat(narrow.get("summary").asBoolean()).isFalse();
            List<List<Object>> cut = new ArrayList<>();
            for (List<Object> run : runs) {
                long a = Math.max(r[0], (long) run.get(0));
                long b = Math.min(r[1], (long) run.get(1));
                if (a < b) {
                    cut.add(List.of(a, b, run.get(2), run.get(3)));
                }
            }
            assertThat(runsOf(narrow)).as("frames %d to %d", r[0], r[1]).isEqualTo(cut);
        }

        // The CSV follows the same rule: a summary gives each owner's frames a column.
        String[] csv = api.get("/api/sessions/" + id + "/memory.csv?step=" + steps + "&maxRuns=32").body().split("\r\n");
        assertThat(csv[0]).startsWith("first_pfn,end_pfn,frames,first_paddr,owner,pid,frames_free,");
        assertThat(csv.length - 1).isEqualTo(api.get(base + "?step=" + steps + "&maxRuns=32").json().get("runs").size());
        api.delete("/api/sessions/" + id);
    }

    @Test
    void directoryAndTable_areTheEntriesInPhysicalMemory() {
        int k = 5;
        Kernel truth = runTo("seeds-walkthrough.yaml", k).kernel();
        long dir = truth.space().directoryPaddr();
        JsonNode directory = api.get("/api/sessions/s1/spaces/kernel/directory?step=" + k).json();
        assertThat(directory.get("entries").size()).isEqualTo(1024);
        for (int i = 0; i < 1024; i++) {
            assertThat(directory.get("entries").get(i).asLong()).as("PDE %d", i)
                    .isEqualTo(Integer.toUnsignedLong(truth.memory().read32(dir + 4L * i)));
        }
        JsonNode table = api.get("/api/sessions/s1/spaces/kernel/tables/768?step=" + k).json();
        long tablePaddr = Long.decode(table.get("tablePaddr").asText());
        assertThat(tablePaddr).isEqualTo(Integer.toUnsignedLong(truth.memory().read32(dir + 4L * 768)) & 0xFFFF_F000L);
        int present = 0;
        for (int i = 0; i < 1024; i++) {
            long e = Integer.toUnsignedLong(truth.memory().read32(tablePaddr + 4L * i));
            assertThat(table.get("entries").get(i).asLong()).as("PTE 768/%d", i).isEqualTo(e);
            present += (int) (e & 1);
        }
        assertThat(present).as("the kernel's first table maps the kernel").isGreaterThan(256);
    }

    @Test
    void walk_isTheMmusExplanation_andLeavesTheTlbAlone() {
        int k = 8;
        ScenarioRunner truth = runTo("seeds-walkthrough.yaml", k);
        for (long vaddr : new long[] {0xC03FF000L, 0xC0100000L, 0x00400000L, 0x1234L, 0xFFFFF000L}) {
            WalkExplanation w = truth.kernel().mmu().explain(vaddr);
            JsonNode walk = api.get("/api/sessions/s1/walk?vaddr=0x" + Long.toHexString(vaddr) + "&step=" + k).json();
            assertThat(walk.get("directoryIndex").asInt()).isEqualTo((int) (vaddr >>> 22));
            assertThat(walk.get("steps").size()).isEqualTo(w.steps().size());
            for (int i = 0; i < w.steps().size(); i++) {
                assertThat(walk.at("/steps/" + i + "/entry").asLong())
                        .isEqualTo(Integer.toUnsignedLong(w.steps().get(i).entry()));
            }
            for (int i = 0; i < 4; i++) {
                var v = w.verdicts().get(i);
                JsonNode j = walk.get("verdicts").get(i);
                assertThat(j.get("translates").asBoolean()).isEqualTo(v.outcome().translates());
                if (v.outcome().translates()) {
                    assertThat(Long.decode(j.get("paddr").asText())).isEqualTo(v.outcome().paddr());
                } else {
                    assertThat(j.get("errorCode").asInt()).isEqualTo(v.outcome().fault().errorCode());
                }
            }
            assertThat(walk.get("text").asText()).isEqualTo(w.render());
        }
        JsonNode tlb = api.get("/api/sessions/s1/tlb?step=" + k).json();
        List<Tlb.Entry> entries = truth.kernel().mmu().tlb().entries();
        assertThat(tlb.get("valid").asInt()).isEqualTo(entries.size());
        assertThat(tlb.at("/stats/accesses").asLong()).isEqualTo(truth.kernel().mmu().stats().snapshot().accesses());
    }

    @Test
    void tlb_afterAnInvlpg_showsWhatItDropped() {
        String id = api.post("/api/examples/stale-tlb.yaml", new byte[0], "text/plain").json().get("id").asText();
        JsonNode steps = api.get("/api/sessions/" + id + "/steps").json().get("steps");
        int dropping = -1;
        for (JsonNode s : steps) {
            int k = s.get("step").asInt();
            JsonNode tlb = api.get("/api/sessions/" + id + "/tlb?step=" + k).json();
            List<Tlb.Entry> before = runTo("stale-tlb.yaml", k - 1).kernel().mmu().tlb().entries();
            List<Tlb.Entry> after = runTo("stale-tlb.yaml", k).kernel().mmu().tlb().entries();
            Set<Long> droppedTruth = new HashSet<>();
            for (Tlb.Entry e : before) {
                if (!after.contains(e)) {
                    droppedTruth.add(e.vaddr());
                }
            }
            Set<Long> dropped = new HashSet<>();
            tlb.get("dropped").forEach(d -> dropped.add(Long.decode(d.get("vaddr").asText())));
            assertThat(dropped).as("step %d: %s", k, s.get("text").asText()).isEqualTo(droppedTruth);
            if (s.get("text").asText().startsWith("invlpg") && !dropped.isEmpty()) {
                dropping = k;
                assertThat(tlb.get("invalidations").toString()).containsIgnoringCase("invlpg");
            }
        }
        assertThat(dropping).as("the example has an INVLPG that drops a stale line").isPositive();
    }

    /**
     * The oracle for the TLB view's INVLPGs and CR3 loads: the text of our own traced run, read the
     * way the view once read it (a step that is an invlpg, spawn, switch or exit, then every trace
     * line that names INVLPG, CR3 or a flush). The view takes typed events instead; both must agree.
     */
    private static List<String> invalidationsFromTheTrace(StepEvent e) {
        List<String> out = new ArrayList<>();
        if (e.text().startsWith("invlpg") || e.text().startsWith("switch") || e.text().startsWith("spawn")
                || e.text().startsWith("exit")) {
            out.add(e.text() + "  =>  " + e.result());
        }
        for (String line : e.trace()) {
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            if (upper.contains("INVLPG") || upper.contains("CR3") || upper.contains("FLUSH")) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void tlb_everyStepOfEveryExample_listsTheInvalidationsTheTraceShows() {
        Set<String> kinds = new HashSet<>();
        for (String name : ApiClient.examples().keySet()) {
            String id = api.post("/api/examples/" + name, new byte[0], "text/plain").json().get("id").asText();
            ScenarioRunner ours = ScenarioRunner.boot(scenario(name), new ScenarioRunner.Options(false, true));
            int k = 0;
            while (ours.hasNextStep()) {
                StepEvent e = ours.nextStep();
                k++;
                List<String> expected = invalidationsFromTheTrace(e);
                List<String> shown = new ArrayList<>();
                api.get("/api/sessions/" + id + "/tlb?step=" + k).json().get("invalidations").forEach(n -> shown.add(n.asText()));
                assertThat(shown).as("%s, step %d: %s", name, k, e.text()).isEqualTo(expected);
                for (String line : shown) {
                    kinds.add(line.contains("  =>  ") ? "step" : line.startsWith("temporary slot") ? "slot"
                            : line.startsWith("CR3") ? "cr3" : line.startsWith("switched") ? "switch"
                            : line.contains("skipped") ? "skipped" : line.startsWith("INVLPG") ? "invlpg" : line);
                }
            }
            api.delete("/api/sessions/" + id);
        }
        assertThat(kinds).as("every kind of line, and no other").containsExactlyInAnyOrder("step", "slot", "cr3", "switch",
                "skipped", "invlpg");
    }

    /** A request that the listed endpoint {@code listing} should answer, with its placeholders filled in. */
    private ApiClient.Answer call(String listing, String session) {
        String method = listing.substring(0, listing.indexOf(' '));
        String rest = listing.substring(method.length() + 1);
        String body = null;
        int paren = rest.indexOf(" (body: ");
        if (paren >= 0) {
            body = rest.substring(paren + " (body: ".length(), rest.length() - 1);
            rest = rest.substring(0, paren);
        }
        // optional parts left out; the required query parameters given a value
        String path = rest.replaceAll("\\[[^\\]]*\\]", "").replace("{id}", session).replace("{name}", "stale-tlb.yaml")
                .replace("{pfn}", "0x100").replace("{space}", "kernel").replace("{index}", "768")
                .replace("vaddr=0x...", "vaddr=0x00400000");
        assertThat(path).as(listing).doesNotContain("{", "...", "[");
        return switch (method) {
            case "GET" -> api.get(path);
            case "DELETE" -> api.delete(path);
            case "POST" -> body == null ? api.post(path, new byte[0], "text/plain")
                    : body.equals("YAML") ? api.post(path, "title: t\nmachine: qemu-pc-16M\nsteps:\n  - allocFrame:\n")
                    : path.endsWith("/processes") ? api.postJson(path, Map.of("processes", List.of("1 2 3 1", "5 6 5"),
                            "frames", 12, "policy", "lru"))
                    : api.postJson(path, Map.of("refs", "7 0 1 2 0 3", "frames", 3, "policies", List.of("fifo")));
            default -> throw new AssertionError("info lists " + listing + ", a method this test does not know");
        };
    }

    @Test
    void info_everyListedEndpoint_answersOnAFreshSession() {
        List<String> listed = new ArrayList<>();
        api.get("/api/info").json().get("endpoints").forEach(n -> listed.add(n.asText()));
        assertThat(listed).as("the API's routes").hasSizeGreaterThanOrEqualTo(20).allMatch(l -> l.matches("(GET|POST|DELETE) /api/.*"));
        String session = api.post("/api/examples/demand-paging.yaml", new byte[0], "text/plain").json().get("id").asText();
        // looks first, then what loads sessions, then the drop of the fresh one
        List<String> order = new ArrayList<>(listed);
        order.sort(java.util.Comparator.comparingInt(l -> l.startsWith("GET") ? 0 : l.startsWith("POST") ? 1 : 2));
        for (String listing : order) {
            ApiClient.Answer answer = call(listing, session);
            assertThat(answer.status()).as("%s: %s", listing, answer.body()).isIn(200, 201);
        }
        assertThat(api.get("/api/sessions/" + session).status()).as("the DELETE dropped it").isEqualTo(404);
    }

    @Test
    void frame_ofAMappedPage_namesEveryMapping_andPageTablesTheirDirectory() {
        int k = 29;
        Kernel truth = runTo("seeds-walkthrough.yaml", k).kernel();
        long dirPfn = truth.space().directoryPfn();
        JsonNode dirFrame = api.get("/api/sessions/s1/frames/" + dirPfn + "?step=" + k).json();
        assertThat(dirFrame.get("owner").asText()).isEqualTo("page-table");
        assertThat(dirFrame.get("pageTableOf").toString()).contains("directory");
        // A kernel-image frame is mapped at 0xC0000000 + its address (the higher half).
        long imagePfn = 0x100;
        JsonNode image = api.get("/api/sessions/s1/frames/" + imagePfn + "?step=" + k).json();
        assertThat(image.get("owner").asText()).isEqualTo("kernel-image");
        List<String> vaddrs = new ArrayList<>();
        image.get("mappedBy").forEach(m -> vaddrs.add(m.get("vaddr").asText()));
        assertThat(vaddrs).contains("0xC0100000");
        for (String v : vaddrs) {
            assertThat(truth.space().getFrameAddr(Long.decode(v))).isEqualTo(imagePfn << 12);
        }
    }

    @Test
    void processes_haveTheirOwnSpaces_withTheirPages() {
        String id = api.post("/api/examples/two-processes-local.yaml", new byte[0], "text/plain").json().get("id").asText();
        JsonNode summary = api.get("/api/sessions/" + id).json();
        // The step where two processes hold the most frames.
        int last = 0;
        int most = 0;
        for (int k = 0; k <= summary.get("stepsRun").asInt(); k++) {
            int spaces = api.get("/api/sessions/" + id + "/spaces?step=" + k).json().get("spaces").size();
            int n = spaces < 3 ? 0 : api.get("/api/sessions/" + id + "/memory?step=" + k).json().at("/counts/process").asInt();
            if (n > most) {
                most = n;
                last = k;
            }
        }
        ScenarioRunner truth = runTo("two-processes-local.yaml", last);
        JsonNode spaces = api.get("/api/sessions/" + id + "/spaces?step=" + last).json().get("spaces");
        List<String> ids = new ArrayList<>();
        spaces.forEach(s -> ids.add(s.get("id").asText()));
        List<String> expected = new ArrayList<>(List.of("kernel"));
        for (Process p : truth.processes().live()) {
            expected.add("pid-" + p.pid());
        }
        assertThat(ids).isEqualTo(expected);
        assertThat(ids).hasSizeGreaterThan(1);
        Process p = truth.processes().live().get(0);
        JsonNode dir = api.get("/api/sessions/" + id + "/spaces/pid-" + p.pid() + "/directory?step=" + last).json();
        assertThat(Long.decode(dir.get("directoryPaddr").asText())).isEqualTo(p.space().directoryPaddr());
        JsonNode memory = api.get("/api/sessions/" + id + "/memory?step=" + last).json();
        Set<Long> pids = new HashSet<>();
        memory.get("runs").forEach(r -> {
            if (r.get(2).asText().equals("process")) {
                pids.add(r.get(3).asLong());
            }
        });
        Set<Long> truthPids = new HashSet<>();
        FrameAccounting accounting = truth.kernel().accounting();
        for (long pfn = 0; pfn < accounting.topPfn(); pfn++) {
            if (accounting.processOf(pfn) >= 0) {
                truthPids.add((long) accounting.processOf(pfn));
            }
        }
        assertThat(pids).as("process frames carry their pid").isEqualTo(truthPids).isNotEmpty();
        assertThat(memory.get("processes").size()).isEqualTo(truth.processes().all().size());
    }

    @Test
    void postScenario_runsItWithTheFileReadersChecks() {
        var created = api.post("/api/scenario?name=mine.yaml", """
                title: mine
                machine: qemu-pc-16M
                steps:
                  - allocFrame:
                    as: f
                  - freeFrame: $f
                """);
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(api.get("/api/sessions/" + id).json().get("stepsRun").asInt()).isEqualTo(2);
        assertThat(api.get("/api/sessions/" + id + "/steps").json().at("/steps/0/text").asText()).startsWith("allocFrame");

        var bad = api.post("/api/scenario?name=bad.yaml", "steps:\n  - allocFrame:\n  - nosuchstep: 3\n");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("bad.yaml", "3", "nosuchstep");
    }

    @Test
    void badRequests_get4xxWithAMessage_andTheServerGoesOn() {
        record Case(String what, ApiClient.Answer answer, int status, String says) {
        }
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 60; i++) {
            bomb.append("b").append(i).append(": [*a, *a]\n");
        }
        byte[] latin1 = "title: caf\u00e9\nsteps: []\n".getBytes(StandardCharsets.ISO_8859_1);
        List<Case> cases = List.of(
                new Case("oversized", api.post("/api/scenario", "#".repeat(70 * 1024)), 413, "larger than"),
                new Case("malformed YAML", api.post("/api/scenario", "steps: [\n"), 400, "scenario.yaml"),
                new Case("alias bomb", api.post("/api/scenario", bomb.toString()), 400, "alias"),
                new Case("not UTF-8", api.post("/api/scenario", latin1, "text/yaml"), 400, "UTF-8"),
                new Case("empty", api.post("/api/scenario", ""), 400, "empty"),
                new Case("unknown session", api.get("/api/sessions/s99/memory"), 404, "s99"),
                new Case("unknown example", api.post("/api/examples/nope.yaml", new byte[0], "text/plain"), 404, "nope"),
                new Case("unknown space", api.get("/api/sessions/s1/spaces/pid-9/directory"), 404, "pid-9"),
                new Case("step out of range", api.get("/api/sessions/s1/memory?step=999"), 400, "999"),
                new Case("negative step", api.get("/api/sessions/s1/memory?step=-1"), 400, "-1"),
                new Case("bad number", api.get("/api/sessions/s1/walk?vaddr=zz"), 400, "zz"),
                new Case("no vaddr", api.get("/api/sessions/s1/walk"), 400, "vaddr"),
                new Case("vaddr too big", api.get("/api/sessions/s1/walk?vaddr=0x100000000"), 400, "out of range"),
                new Case("frame past the top", api.get("/api/sessions/s1/frames/4294967295"), 400, "not in this machine"),
                new Case("absent table", api.get("/api/sessions/s1/spaces/kernel/tables/5?step=0"), 400, "not present"),
                new Case("table index", api.get("/api/sessions/s1/spaces/kernel/tables/1024"), 400, "1023"),
                new Case("drop s1", api.delete("/api/sessions/s1"), 400, "stays"),
                new Case("empty frame range", api.get("/api/sessions/s1/memory?from=9&to=9"), 400, "from 9 to 9"),
                new Case("frames past the top", api.get("/api/sessions/s1/memory?to=0x100001"), 400, "1048577"),
                new Case("no rows", api.get("/api/sessions/s1/memory?maxRuns=0"), 400, "maxRuns 0"),
                new Case("too many rows", api.get("/api/sessions/s1/memory.csv?maxRuns=100000"), 400, "65536"),
                new Case("bad from", api.get("/api/sessions/s1/memory?from=x"), 400, "from 'x'"),
                new Case("unknown endpoint", api.get("/api/nothing"), 404, "not found"),
                new Case("path out of the jar", api.get("/static/..%2F..%2Fpom.xml"), 404, ""),
                new Case("file not in the list", api.get("/static/files.txt"), 404, "files.txt"));
        for (Case c : cases) {
            assertThat(c.answer().status()).as(c.what() + ": " + c.answer().body()).isEqualTo(c.status());
            assertThat(c.answer().header("Content-Type")).as(c.what()).startsWith("application/json");
            JsonNode json = c.answer().json();
            assertThat(json.get("status").asInt()).as(c.what()).isEqualTo(c.status());
            assertThat(json.get("error").asText()).as(c.what()).containsIgnoringCase(c.says()).doesNotContain("\tat ");
        }
        assertThat(api.get("/api/sessions/s1").status()).isEqualTo(200);
    }

    @Test
    void everyAnswer_carriesTheContentSecurityPolicy_andThePageIsServed() {
        var page = api.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe");
        assertThat(api.get("/api/nothing").header("Content-Security-Policy")).isEqualTo(WebServer.CSP);
        assertThat(api.get("/static/app.js").header("Content-Type")).startsWith("text/javascript");
        var head = api.head("/static/style.css");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Type")).startsWith("text/css");
    }

    @Test
    void aForeignHostHeader_isRefusedOnLoopback() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/info HTTP/1.1\r\nHost: evil.example:" + server.port() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 403").contains("evil.example");
        }
    }

    @Test
    void sessions_areBounded_andS1Stays() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(api.post("/api/examples/heap-fragmentation.yaml", new byte[0], "text/plain").json().get("id").asText());
        }
        JsonNode list = api.get("/api/sessions").json();
        assertThat(list.size()).isEqualTo(4);
        assertThat(list.toString()).contains("\"s1\"", ids.get(5));
        assertThat(api.get("/api/sessions/" + ids.get(0)).status()).isEqualTo(404);
        assertThat(api.delete("/api/sessions/" + ids.get(5)).status()).isEqualTo(200);
        assertThat(api.get("/api/sessions/" + ids.get(5)).status()).isEqualTo(404);
    }

    @Test
    void csvExports_haveAHeaderAndOneLineARecord() {
        var steps = api.get("/api/sessions/s1/steps.csv");
        assertThat(steps.header("Content-Type")).startsWith("text/csv");
        String[] lines = steps.body().split("\r\n");
        assertThat(lines[0]).startsWith("step,line,text,outcome");
        assertThat(lines).hasSize(1 + scenario("seeds-walkthrough.yaml").steps().size());
        var memory = api.get("/api/sessions/s1/memory.csv?step=0");
        assertThat(memory.body().split("\r\n").length - 1)
                .isEqualTo(api.get("/api/sessions/s1/memory?step=0").json().get("runs").size());
    }
}
