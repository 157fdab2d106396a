package dev.pagelab.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagelab.hw.Tlb;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.proc.Process;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.ScenarioReader;
import dev.pagelab.scenario.ScenarioRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
        ScenarioRunner runner = ScenarioRunner.boot(scenario(name), ScenarioRunner.Options.DEFAULT);
        for (int i = 0; i < k; i++) {
            runner.nextStep();
        }
        return runner;
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
