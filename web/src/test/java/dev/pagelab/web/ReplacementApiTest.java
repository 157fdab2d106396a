package dev.pagelab.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.PolicyResult;
import dev.pagelab.replay.Replay;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.ReplayResult;
import dev.pagelab.replay.Scope;
import dev.pagelab.scenario.ScenarioReader;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.Traces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replacement view's API against textbook counts and the fast engine: the classic string's
 * faults, a trace's first references stepped and its whole-trace totals equal to {@link Replay}'s,
 * several processes' counts equal to {@link Replay}'s local and global; and its bad requests.
 */
class ReplacementApiTest {
    private static final String CLASSIC = "7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1";
    @TempDir
    static Path dir;
    private static Path trace;
    private static WebServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() throws IOException {
        // A plain trace of byte addresses: 3,000 references over 40 pages, a third of them writes.
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(7);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            long page = random.nextInt(10) < 7 ? random.nextInt(8) : 8 + random.nextInt(32);
            text.append("0x").append(Long.toHexString(page * 4096 + 0x10000000L))
                    .append(random.nextInt(3) == 0 ? " W\n" : " R\n");
        }
        trace = dir.resolve("small.trace");
        Files.writeString(trace, text);
        var scenario = ScenarioReader.parse("examples/stale-tlb.yaml", ApiClient.example("stale-tlb.yaml"), null);
        server = WebServer.start(WebServer.Settings.of(scenario, Map.of()).withTraces(Map.of("small.trace", trace)));
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void classicString_givesTheTextbookFaults() {
        JsonNode r = api.postJson("/api/replacement", Map.of("refs", CLASSIC, "frames", 3,
                "policies", List.of("fifo", "lru", "opt"))).json();
        assertThat(r.get("length").asInt()).isEqualTo(20);
        assertThat(r.at("/policies/0/totals/faults").asInt()).isEqualTo(15);
        assertThat(r.at("/policies/1/totals/faults").asInt()).isEqualTo(12);
        assertThat(r.at("/policies/2/totals/faults").asInt()).isEqualTo(9);
        // FIFO's fourth reference (page 2) evicts page 7, loaded first, and the frames are then 2 0 1.
        JsonNode fifo3 = r.at("/policies/0/steps/3");
        assertThat(fifo3.get("victim").asInt()).isEqualTo(7);
        assertThat(fifo3.get("frames").toString()).isEqualTo("[2,0,1]");
        assertThat(fifo3.get("why").asText()).contains("7");
        // The hit string agrees with the steps.
        String hits = r.at("/policies/1/hits").asText();
        for (int i = 0; i < 20; i++) {
            assertThat(r.at("/policies/1/steps/" + i + "/hit").asBoolean()).isEqualTo(hits.charAt(i) == 'H');
        }
    }

    @Test
    void aTrace_isSteppedFromItsStart_andItsWholeTotalsAreTheFastEngines() throws IOException {
        JsonNode r = api.postJson("/api/replacement", Map.of("trace", "small.trace", "limit", 500, "frames", 8,
                "policies", List.of("lru", "clock", "opt"), "whole", true, "from", 100, "to", 150)).json();
        assertThat(r.get("length").asInt()).isEqualTo(500);
        assertThat(r.get("from").asInt()).isEqualTo(100);
        assertThat(r.get("references").size()).isEqualTo(50);
        assertThat(r.at("/policies/0/steps/0/index").asInt()).isEqualTo(100);
        assertThat(r.get("pageNames").get(0).asText()).isEqualTo("0x" + Long.toHexString(firstPage()));
        for (int i = 0; i < 2; i++) {
            String policy = r.at("/policies/" + i + "/name").asText();
            PolicyResult truth;
            try (TraceReader reader = Traces.open(trace, TraceOptions.DEFAULTS)) {
                ReplayResult result = Replay.run(List.of(reader), List.of(policy), ReplayConfig.of(8, Scope.GLOBAL),
                        PolicyRegistry.builtIn(), null);
                truth = result.policies().getFirst();
            }
            assertThat(r.at("/policies/" + i + "/wholeTrace/references").asLong()).isEqualTo(3_000);
            assertThat(r.at("/policies/" + i + "/wholeTrace/faults").asLong()).as(policy).isEqualTo(truth.faults());
            assertThat(r.at("/policies/" + i + "/wholeTrace/writeBacks").asLong()).as(policy).isEqualTo(truth.writebacks());
        }
        assertThat(r.at("/policies/2/wholeTrace/skipped").asText()).contains("pagelab replay");
    }

    private static long firstPage() throws IOException {
        return Long.decode(Files.readAllLines(trace).getFirst().split(" ")[0]) >>> 12;
    }

    @Test
    void processes_countsAreTheFastEnginesLocalAndGlobal() throws IOException {
        List<String> strings = List.of("1 2 3 1 2 3 4 1 2 5 1 2", "5 6 5 7w 5 6 8 5 6 7", "9 9 10 11 9 10 12 9");
        for (String scope : List.of("local", "global")) {
            var answer = api.postJson("/api/replacement/processes", Map.of("processes", strings, "frames", 6,
                    "scope", scope, "policy", "lru", "quantum", 2, "minimum", 2));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            JsonNode r = answer.json();
            List<TraceReader> readers = new ArrayList<>();
            for (int i = 0; i < strings.size(); i++) {
                readers.add(Traces.open(vmsim(strings.get(i), "p" + i + ".trace"), TraceOptions.DEFAULTS));
            }
            ReplayResult truth = Replay.run(readers, List.of("lru"),
                    ReplayConfig.of(6, scope.equals("local") ? Scope.LOCAL : Scope.GLOBAL).withQuantum(2).withMinimumFrames(2),
                    PolicyRegistry.builtIn(), null);
            Traces.closeAll(readers);
            List<Long> faults = new ArrayList<>();
            r.get("processes").forEach(p -> faults.add(p.get("faults").asLong()));
            List<Long> expected = new ArrayList<>();
            truth.policies().getFirst().processes().forEach(p -> expected.add(p.faults()));
            assertThat(faults).as(scope).isEqualTo(expected);
            assertThat(r.get("samples").size()).isEqualTo(30);
        }
    }

    /** A process's string as a vmsim trace: page p at address p * 4096, {@code w} a write. */
    private static Path vmsim(String string, String name) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String t : string.split(" ")) {
            long page = Long.parseLong(t.replace("w", ""));
            text.append("0x").append(Long.toHexString(page * 4096)).append(t.endsWith("w") ? " W\n" : " R\n");
        }
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void badRequests_get400WithAMessage() {
        record Case(String what, Object body, int status, String says) {
        }
        List<Case> cases = List.of(
                new Case("unknown policy", Map.of("refs", "1 2", "policies", List.of("lru", "nope")), 400, "nope"),
                new Case("bad reference", Map.of("refs", "1 2 x3", "policies", List.of("lru")), 400, "column"),
                new Case("frames 0", Map.of("refs", "1 2", "frames", 0, "policies", List.of("lru")), 400, "frames"),
                new Case("frames not a number", Map.of("refs", "1 2", "frames", "many", "policies", List.of("lru")), 400, "frames"),
                new Case("no policies", Map.of("refs", "1 2"), 400, "policies"),
                new Case("no string", Map.of("policies", List.of("lru")), 400, "refs"),
                new Case("nine policies", Map.of("refs", "1", "policies", List.of("fifo", "lru", "opt", "clock", "esc", "nru",
                        "aging", "arc", "lirs")), 400, "at most 8"),
                new Case("window too wide", Map.of("random", Map.of("length", 5000), "policies", List.of("lru"),
                        "to", 2000), 400, "at most"),
                new Case("unknown trace", Map.of("trace", "other", "policies", List.of("lru")), 404, "small.trace"),
                new Case("bad scope", Map.of("processes", List.of("1 2"), "scope", "sideways"), 400, "local or global"));
        for (Case c : cases) {
            String path = c.what().equals("bad scope") ? "/api/replacement/processes" : "/api/replacement";
            var answer = api.postJson(path, c.body());
            assertThat(answer.status()).as(c.what() + ": " + answer.body()).isEqualTo(c.status());
            assertThat(answer.json().get("error").asText()).as(c.what()).containsIgnoringCase(c.says());
        }
        var malformed = api.post("/api/replacement", "{\"refs\": ".getBytes(), "application/json");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("error").asText()).contains("not JSON", "line 1");
        assertThat(api.get("/api/replacement/policies").json().size())
                .isEqualTo(PolicyRegistry.builtIn().names().size());
    }
}
