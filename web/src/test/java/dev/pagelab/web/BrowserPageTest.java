package dev.pagelab.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.ScenarioReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The page in a real browser (headless Chromium) against a server started here with the seeds'
 * walk-through as session s1 and the bundled examples: every view is clicked through, the
 * scenario stepped forward and back, an address walked, and what the page shows is checked against
 * the API's own answers (the oracle), never against numbers guessed here. Each test ends with no
 * severe message in the browser's console (a CSP violation would be one). Screenshots of each view
 * go to target/screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserPageTest {
    private static final int WIDTH = 1440;
    private static final int HEIGHT = 1000;
    private static final String CLASSIC = "7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1";

    private WebServer server;
    private BrowserSession browser;
    private BrowserApi api;
    private int loads;

    @BeforeAll
    void start() {
        browser = BrowserSession.start(WIDTH, HEIGHT);
        Map<String, String> examples = examples();
        Scenario seeds = ScenarioReader.parse("examples/seeds-walkthrough.yaml", examples.get("seeds-walkthrough.yaml"), null);
        server = WebServer.start(WebServer.Settings.of(seeds, examples));
        api = new BrowserApi(server.url());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void consoleIsClean() {
        List<String> severe = new ArrayList<>();
        for (String line : browser.severeConsole()) {
            // the API's 4xx answers the tests provoke on purpose are logged by the browser; they are not the page's fault
            if (!(line.contains("/api/") && line.matches(".*status of 4\\d\\d.*"))) {
                severe.add(line);
            }
        }
        assertThat(severe).as("severe messages in the browser's console").isEmpty();
    }

    private static Map<String, String> examples() {
        try {
            Path folder = Path.of(BrowserPageTest.class.getResource("/examples").toURI());
            Map<String, String> out = new TreeMap<>();
            try (Stream<Path> files = Files.list(folder)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    out.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the examples on the test class path", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the examples folder has no file URI", e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Loads the page afresh at #fragment and waits until the view has drawn. */
    private void open(String fragment) {
        loads++;
        browser.driver().get(server.url() + "?load=" + loads + "#" + fragment);
        browser.waiting().until(d -> "true".equals(body("ready")));
        settle();
    }

    private String body(String data) {
        return browser.find("body").getDomAttribute("data-" + data);
    }

    /** Waits until no API call is in flight and the active view shows the current step. */
    private void settle() {
        browser.waiting().until(d -> {
            String view = body("view");
            String rendered = browser.find("#view-" + view).getDomAttribute("data-rendered");
            return "0".equals(body("busy")) && (body("session") + ":" + body("step")).equals(rendered);
        });
    }

    private void key(Keys key) {
        browser.find("body").sendKeys(key);
        settle();
    }

    private void stepTo(int step) {
        browser.waiting().until(d -> {
            int now = Integer.parseInt(body("step"));
            if (now == step) {
                return true;
            }
            browser.find("body").sendKeys(now < step ? Keys.ARROW_RIGHT : Keys.ARROW_LEFT);
            settle();
            return Integer.parseInt(body("step")) == step;
        });
        settle();
    }

    private void tab(String view) {
        browser.find("#tab-" + view).click();
        browser.waiting().until(d -> view.equals(body("view")));
        settle();
    }

    private JsonNode steps() {
        return api.get("api/sessions/s1/steps").get("steps");
    }

    private void waitText(String css, String text) {
        browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    private void waitAttribute(String css, String attribute, String value) {
        browser.waiting().until(d -> {
            List<WebElement> found = browser.all(css);
            return !found.isEmpty() && value.equals(found.get(0).getDomAttribute(attribute));
        });
    }

    // ---------------------------------------------------------------- physical memory

    @Test
    void memory_stepThatAllocatesAFrame_showsTheFramesNewOwnerAndBackAgain() {
        JsonNode change = steps().get(0).get("changes").get("frames").get(0);
        long pfn = change.get("pfn").asLong();
        String before = api.get("api/sessions/s1/frames/" + pfn + "?step=0").get("owner").asText();
        String after = api.get("api/sessions/s1/frames/" + pfn + "?step=1").get("owner").asText();
        assertThat(before).as("the oracle: step 1 changes frame %d", pfn).isNotEqualTo(after);
        open("view=memory&step=0");

        WebElement go = browser.find("#mem-goto");
        go.clear();
        go.sendKeys(String.format("0x%08X", pfn << 12), Keys.ENTER);
        waitAttribute("#mem-frame", "data-pfn", String.valueOf(pfn));
        waitAttribute("#mem-frame", "data-owner", before);
        assertThat(browser.all("#mem-map-svg rect.changed")).as("frames changed at step 0").isEmpty();
        assertThat(browser.all("#mem-map-svg rect.selected[data-pfn='" + pfn + "']")).hasSize(1);

        key(Keys.ARROW_RIGHT);
        assertThat(body("step")).isEqualTo("1");
        waitAttribute("#mem-frame", "data-owner", after);
        assertThat(browser.all("#mem-map-svg rect.changed[data-pfn='" + pfn + "']")).as("frame %d marked as changed", pfn).hasSize(1);
        assertThat(browser.all("#mem-changed li")).hasSize(steps().get(0).get("changes").get("frames").size());
        JsonNode memory = api.get("api/sessions/s1/memory?step=1");
        WebElement legend = browser.find("#mem-legend .legend-item[data-owner='" + after + "'] .legend-count");
        assertThat(legend.getText().replace(",", "")).isEqualTo(memory.get("counts").get(after).asText());

        key(Keys.ARROW_LEFT);
        waitAttribute("#mem-frame", "data-owner", before);
        assertThat(browser.all("#mem-map-svg rect.changed")).isEmpty();
    }

    @Test
    void memory_zoomButtons_showTheWholeMapAndTheRam() {
        open("view=memory&step=3");
        long top = api.get("api/sessions/s1/memory?step=3").get("topPfn").asLong();
        browser.find("#mem-all").click();
        waitAttribute("#mem-range", "data-len", String.valueOf(top));
        assertThat(browser.all("#mem-map-svg rect.run").size()).isGreaterThan(3);
        browser.find("#mem-zoom-in").click();
        waitAttribute("#mem-range", "data-len", String.valueOf(top / 4));
        browser.find("#mem-fit").click();
        browser.waiting().until(d -> Long.parseLong(browser.find("#mem-range").getDomAttribute("data-len")) < top / 4);

        WebElement cell = browser.all("#mem-map-svg rect.run[data-owner='kernel-image']").get(0);
        new Actions(browser.driver()).moveToElement(cell).perform();
        browser.waiting().until(d -> browser.find("#tip").isDisplayed());
        assertThat(browser.find("#tip").getText()).contains("frame").contains("kernel image");
        new Actions(browser.driver()).moveToElement(browser.find("h2")).perform();
    }

    @Test
    void memory_processScenario_colorsTheProcessAndNamesItsMappers() {
        open("view=memory&step=0");
        new Select(browser.find("#example-select")).selectByValue("demand-paging.yaml");
        browser.find("#example-load").click();
        browser.waiting().until(d -> !"s1".equals(body("session")));
        settle();
        String id = body("session");
        JsonNode summary = api.get("api/sessions/" + id);
        assertThat(browser.find("#scenario-title").getText()).isEqualTo(summary.get("title").asText());
        stepTo(3);
        JsonNode memory = api.get("api/sessions/" + id + "/memory?step=3");
        JsonNode process = null;
        for (JsonNode run : memory.get("runs")) {
            if (run.get(2).asText().equals("process")) {
                process = run;
                break;
            }
        }
        assertThat(process).as("the oracle: a process holds a frame after step 3").isNotNull();
        int pid = process.get(3).asInt();
        long pfn = process.get(0).asLong();
        assertThat(browser.all("#mem-legend .legend-item[data-owner='process'][data-pid='" + pid + "']")).hasSize(1);
        WebElement go = browser.find("#mem-goto");
        go.clear();
        go.sendKeys(String.format("0x%08X", pfn << 12), Keys.ENTER);
        waitAttribute("#mem-frame", "data-pfn", String.valueOf(pfn));
        JsonNode frame = api.get("api/sessions/" + id + "/frames/" + pfn + "?step=3");
        String vaddr = frame.get("mappedBy").get(0).get("vaddr").asText();
        waitText("#mem-frame", vaddr);
        assertThat(browser.find("#mem-frame").getText()).contains("process " + pid);
        browser.script("document.activeElement.blur()");
        WebElement cell = browser.find("#mem-map-svg rect.run[data-owner='process'][data-pid='" + pid + "']");
        new Actions(browser.driver()).moveToElement(cell).perform();
        waitText("#tip", vaddr);
        browser.screenshot("memory", WIDTH, HEIGHT);
        new Actions(browser.driver()).moveToElement(browser.find("h2")).perform();
    }

    @Test
    void memory_moreRunsThanTheBudget_drawsBuckets_andZoomingInAsksForTheExactRuns() {
        String yaml = TestScenarios.interleaved(100);
        Scenario interleaved = ScenarioReader.parse("interleaved.yaml", yaml, null);
        int last = interleaved.steps().size();
        try (WebServer small = WebServer.start(WebServer.Settings.of(interleaved, Map.of()).withMemoryRuns(64))) {
            BrowserApi oracle = new BrowserApi(small.url());
            JsonNode whole = oracle.get("api/sessions/s1/memory?step=" + last);
            long ramEnd = whole.get("ramEndPfn").asLong();
            long len = 32;
            while (len < ramEnd) {
                len *= 2;
            }
            JsonNode ram = oracle.get("api/sessions/s1/memory?step=" + last + "&from=0&to=" + len);
            assertThat(ram.get("summary").asBoolean()).as("the oracle: the RAM holds more runs than 64").isTrue();
            JsonNode exact = oracle.get("api/sessions/s1/memory?step=" + last + "&maxRuns=65536");
            List<Long> kernelData = new ArrayList<>();
            for (JsonNode run : exact.get("runs")) {
                if (run.get(2).asText().equals("kernel-data")) {
                    kernelData.add(run.get(0).asLong());
                }
            }
            assertThat(kernelData).as("the oracle: kernel-data frames").hasSizeGreaterThan(50);
            long pfn = kernelData.get(kernelData.size() / 2);

            loads++;
            browser.driver().get(small.url() + "?load=" + loads + "#view=memory&step=" + last);
            browser.waiting().until(d -> "true".equals(body("ready")));
            settle();
            // the RAM, summed up by the server for the range the grid shows
            waitAttribute("#mem-map", "data-rows", "summary");
            assertThat(browser.find("#mem-map").getDomAttribute("data-rows-to")).isEqualTo(String.valueOf(len));
            assertThat(browser.all("#mem-map-svg rect.run.summary")).as("buckets of several owners").isNotEmpty();
            browser.screenshot("memory-summary", WIDTH, HEIGHT);
            assertThat(browser.find("#mem-legend .legend-item[data-owner='kernel-data'] .legend-count").getText()
                    .replace(",", "")).isEqualTo(whole.get("counts").get("kernel-data").asText());

            // a frame picked and zoomed to: the grid asks for its 64 frames and draws their exact runs
            WebElement go = browser.find("#mem-goto");
            go.clear();
            go.sendKeys(String.format("0x%08X", pfn << 12), Keys.ENTER);
            waitAttribute("#mem-frame", "data-owner", "kernel-data");
            browser.find("#mem-frame button.small").click();
            waitAttribute("#mem-map", "data-rows", "exact");
            long from = pfn / 64 * 64;
            assertThat(browser.find("#mem-map").getDomAttribute("data-rows-from")).isEqualTo(String.valueOf(from));
            assertThat(browser.all("#mem-map-svg rect.run.summary")).isEmpty();
            JsonNode near = oracle.get("api/sessions/s1/memory?step=" + last + "&from=" + from + "&to=" + (from + 64));
            assertThat(near.get("summary").asBoolean()).isFalse();
            long drawn = browser.all("#mem-map-svg rect.run[data-owner='kernel-data']").size();
            long runs = 0;
            for (JsonNode run : near.get("runs")) {
                runs += run.get(2).asText().equals("kernel-data") ? 1 : 0;
            }
            assertThat(drawn).as("kernel-data runs of one frame each, one cell each").isEqualTo(runs).isGreaterThan(5);
            browser.screenshot("memory-zoomed", WIDTH, HEIGHT);

            // back out to the RAM: its buckets again, asked for once more
            browser.find("#mem-fit").click();
            waitAttribute("#mem-map", "data-rows-to", String.valueOf(len));
            assertThat(browser.find("#mem-map").getDomAttribute("data-rows")).isEqualTo("summary");
            settle();
            browser.driver().get("about:blank");
        }
    }

    // ---------------------------------------------------------------- address space

    @Test
    void addressSpace_walkOfTheTemporarySlot_showsTheApisWalk() {
        open("view=space&step=2");
        walkAndCompare("0xC03FF000", 2);
        JsonNode walk = api.get("api/sessions/s1/walk?vaddr=0xC03FF000&space=kernel&step=2");
        int pde = walk.get("directoryIndex").asInt();
        int pte = walk.get("tableIndex").asInt();
        assertThat(browser.all("#dir-svg rect.walked[data-index='" + pde + "']")).hasSize(1);
        assertThat(browser.find("#table-grid").getDomAttribute("data-pde")).isEqualTo(String.valueOf(pde));
        assertThat(browser.all("#table-svg rect.walked[data-index='" + pte + "']")).hasSize(1);
        assertThat(browser.find("#entry-detail").getDomAttribute("data-index")).isEqualTo(String.valueOf(pte));

        // an entry clicked is decoded bit by bit with the API's table
        JsonNode table = api.get("api/sessions/s1/spaces/kernel/tables/" + pde + "?step=2");
        int present = -1;
        for (int i = 0; i < 1024; i++) {
            if ((table.get("entries").get(i).asLong() & 1) == 1) {
                present = i;
                break;
            }
        }
        assertThat(present).as("the oracle: a present entry in the table of PDE %d", pde).isNotNegative();
        browser.find("#table-svg rect.entry[data-index='" + present + "']").click();
        waitAttribute("#entry-detail", "data-index", String.valueOf(present));
        long entry = table.get("entries").get(present).asLong();
        for (JsonNode bit : api.get("api/info").get("entryBits").get("pte")) {
            boolean set = (entry & bit.get("mask").asLong()) != 0;
            WebElement row = browser.find("#entry-detail tr[data-flag='" + bit.get("name").asText() + "']");
            assertThat(row.getDomAttribute("class")).as("flag %s of entry 0x%08X", bit.get("name").asText(), entry)
                    .isEqualTo(set ? "set" : "clear");
        }
    }

    @Test
    void addressSpace_walkKeptWhileStepping_followsTheMachine() {
        open("view=space&step=2");
        walkAndCompare("0x00400000", 2);
        key(Keys.ARROW_RIGHT);
        key(Keys.ARROW_RIGHT);
        walkShown("0x00400000", 4);
        JsonNode atTwo = api.get("api/sessions/s1/walk?vaddr=0x00400000&space=kernel&step=2").get("steps").get(1).get("entry");
        JsonNode atFour = api.get("api/sessions/s1/walk?vaddr=0x00400000&space=kernel&step=4").get("steps").get(1).get("entry");
        assertThat(atFour).as("the oracle: step 4's write sets A and D in the PTE").isNotEqualTo(atTwo);
        browser.screenshot("address-space", WIDTH, 1900);
    }

    private void walkAndCompare(String vaddr, int step) {
        WebElement input = browser.find("#addr-input");
        input.clear();
        input.sendKeys(vaddr);
        browser.find("#addr-walk").click();
        walkShown(vaddr, step);
    }

    /** Checks the walk shown against the API's walk of vaddr in the kernel at step. */
    private void walkShown(String vaddr, int step) {
        JsonNode walk = api.get("api/sessions/s1/walk?vaddr=" + vaddr + "&space=kernel&step=" + step);
        waitAttribute("#walk", "data-vaddr", walk.get("vaddr").asText());
        waitAttribute("#walk", "data-step", String.valueOf(step));
        settle();
        JsonNode walkSteps = walk.get("steps");
        assertThat(browser.find("#walk-pde").getDomAttribute("data-index")).isEqualTo(walkSteps.get(0).get("index").asText());
        assertThat(browser.find("#walk-pde").getDomAttribute("data-entry")).isEqualTo(walkSteps.get(0).get("entry").asText());
        if (walkSteps.size() > 1) {
            assertThat(browser.find("#walk-pte").getDomAttribute("data-index")).isEqualTo(walkSteps.get(1).get("index").asText());
            assertThat(browser.find("#walk-pte").getDomAttribute("data-entry")).isEqualTo(walkSteps.get(1).get("entry").asText());
        } else {
            assertThat(browser.all("#walk-pte")).isEmpty();
        }
        String paddr = "";
        for (JsonNode v : walk.get("verdicts")) {
            WebElement cell = browser.find("#walk-verdicts td[data-cpl='" + v.get("cpl").asText() + "'][data-write='"
                    + v.get("write").asText() + "']");
            assertThat(cell.getDomAttribute("data-translates")).isEqualTo(v.get("translates").asText());
            if (v.get("translates").asBoolean()) {
                paddr = v.get("paddr").asText();
                assertThat(cell.getText()).contains(paddr);
            } else {
                assertThat(cell.getDomAttribute("data-error-code")).isEqualTo(v.get("errorCode").asText());
            }
        }
        assertThat(browser.find("#walk-paddr").getDomAttribute("data-paddr")).isEqualTo(paddr);
    }

    // ---------------------------------------------------------------- TLB

    @Test
    void tlb_eachStep_showsTheApisLinesDropsAndInvalidations() {
        open("view=tlb&step=2");
        tlbShown(2);
        browser.screenshot("tlb", WIDTH, 1250);
        key(Keys.ARROW_RIGHT);
        tlbShown(3);
    }

    private void tlbShown(int step) {
        JsonNode tlb = api.get("api/sessions/s1/tlb?step=" + step);
        int fresh = 0;
        for (JsonNode l : tlb.get("lines")) {
            fresh += l.get("new").asBoolean() ? 1 : 0;
        }
        assertThat(browser.all("#tlb-svg g.tlb-line")).as("TLB lines at step %d", step).hasSize(tlb.get("lines").size());
        assertThat(browser.all("#tlb-svg g.tlb-line.new")).as("new TLB lines at step %d", step).hasSize(fresh);
        assertThat(browser.all("#tlb-dropped li")).as("dropped lines at step %d", step).hasSize(tlb.get("dropped").size());
        assertThat(browser.all("#tlb-invalidations li")).hasSize(tlb.get("invalidations").size());
        assertThat(browser.find("#tlb-stats [data-stat='hits'] .v").getText().replace(",", ""))
                .isEqualTo(tlb.get("stats").get("hits").asText());
    }

    // ---------------------------------------------------------------- steps

    @Test
    void steps_forwardBackAndClick_showTheStepsText() {
        JsonNode steps = steps();
        open("view=steps&step=0");
        assertThat(browser.find("#step-detail").getDomAttribute("data-step")).isEqualTo("0");
        for (int k = 1; k <= 3; k++) {
            browser.find("#ctl-forward").click();
            settle();
        }
        waitText("#step-text", steps.get(2).get("text").asText());
        assertThat(browser.find("#ctl-label").getText()).isEqualTo("step 3 of " + steps.size());
        assertThat(browser.all("#steps-list tr.current[data-step='3']")).hasSize(1);
        browser.find("#ctl-back").click();
        settle();
        waitText("#step-text", steps.get(1).get("text").asText());

        int failing = -1;
        for (JsonNode s : steps) {
            if (!s.get("failure").isNull()) {
                failing = s.get("step").asInt();
                break;
            }
        }
        assertThat(failing).as("the oracle: the walk-through has a step that fails as expected").isPositive();
        browser.find("#steps-list tr[data-step='" + failing + "']").click();
        settle();
        waitText("#step-failure", steps.get(failing - 1).get("failure").get("message").asText());
        browser.find("#steps-list tr[data-step='2']").click();
        settle();
        waitText("#step-trace", steps.get(1).get("trace").get(0).asText());
        browser.screenshot("steps", WIDTH, 1150);

        key(Keys.END);
        waitText("#step-text", steps.get(steps.size() - 1).get("text").asText());
        key(Keys.HOME);
        assertThat(body("step")).isEqualTo("0");
        new Select(browser.find("#ctl-speed")).selectByValue("8");
        browser.find("#ctl-play").click();
        browser.waiting().until(d -> Integer.parseInt(body("step")) >= 2);
        browser.find("#ctl-play").click();
        browser.waiting().until(d -> "play".equals(browser.find("#ctl-play").getDomAttribute("aria-label")));
        settle();
        String at = body("step");
        waitText("#step-text", steps.get(Integer.parseInt(at) - 1).get("text").asText());
    }

    @Test
    void loading_badYamlThenGoodYaml_showsTheServersErrorThenTheScenario() {
        open("view=steps&step=0");
        String bad = "title: broken\nmachine: qemu-pc-16M\nsteps:\n  - kmallok: 12\n";
        BrowserApi.Answer refused = api.post("api/scenario?name=broken.yaml", bad, "application/yaml");
        assertThat(refused.status()).as("the oracle refuses it").isEqualTo(400);
        browser.find("#yaml-toggle").click();
        WebElement text = browser.find("#yaml-text");
        text.sendKeys(bad);
        browser.find("#yaml-run").click();
        browser.waiting().until(d -> browser.find("#error").isDisplayed());
        assertThat(browser.find("#error-text").getText()).contains(refused.json().get("error").asText().replace("broken.yaml", ""));
        browser.screenshot("loading-error", WIDTH, HEIGHT);
        assertThat(body("session")).isEqualTo("s1");

        String good = examples().get("stale-tlb.yaml");
        browser.script("document.getElementById('yaml-text').value = arguments[0];", good);
        browser.find("#yaml-run").click();
        browser.waiting().until(d -> !"s1".equals(body("session")));
        settle();
        JsonNode summary = api.get("api/sessions/" + body("session"));
        assertThat(browser.find("#scenario-title").getText()).isEqualTo(summary.get("title").asText());
        assertThat(browser.all("#steps-list tr.step-row")).hasSize(summary.get("stepsRun").asInt() + 1);
    }

    // ---------------------------------------------------------------- replacement

    @Test
    void replacement_classicString_countsTheFaultsTheApiCounts() {
        open("view=replacement&step=0");
        BrowserApi.Answer policies = api.look("api/replacement/policies");
        if (policies.status() == 404) {
            // the endpoint is not there yet: the page says so with the server's own message
            waitText("#repl-policy-note", policies.json().get("error").asText());
            browser.find("#repl-run").click();
            BrowserApi.Answer refused = api.post("api/replacement", "{}", "application/json");
            browser.waiting().until(d -> browser.find("#repl-error").isDisplayed());
            assertThat(browser.find("#repl-error").getText()).isEqualTo(refused.json().get("error").asText());
            browser.screenshot("replacement", WIDTH, 1000);
            return;
        }
        WebElement refs = browser.find("#repl-refs");
        refs.clear();
        refs.sendKeys(CLASSIC);
        WebElement frames = browser.find("#repl-frames");
        frames.clear();
        frames.sendKeys("3");
        for (WebElement box : browser.all("#repl-policies input")) {
            boolean wanted = List.of("fifo", "lru", "opt").contains(box.getDomAttribute("value"));
            if (box.isSelected() != wanted) {
                box.click();
            }
        }
        browser.find("#repl-run").click();
        waitAttribute("#repl-totals-table tr[data-policy='fifo']", "data-faults", "15");
        assertThat(browser.find("#repl-totals-table tr[data-policy='lru']").getDomAttribute("data-faults")).isEqualTo("12");
        assertThat(browser.find("#repl-totals-table tr[data-policy='opt']").getDomAttribute("data-faults")).isEqualTo("9");
        assertThat(browser.all("#repl-svg-fifo g.col")).hasSize(20);
        assertThat(browser.all("#repl-svg-fifo g.col[data-hit='false']")).hasSize(15);

        browser.find("body").sendKeys(Keys.HOME);
        waitAttribute("#view-replacement", "data-position", "0");
        for (int k = 0; k < 4; k++) {
            browser.find("body").sendKeys(Keys.ARROW_RIGHT);
        }
        waitAttribute("#view-replacement", "data-position", "4");
        assertThat(browser.find("#repl-totals-table tr[data-policy='opt'] .so-far").getText()).isEqualTo("4 of 4");
        assertThat(browser.find("#ctl-label").getText()).isEqualTo("reference 4 of 20");
        browser.find("body").sendKeys(Keys.END);
        waitAttribute("#view-replacement", "data-position", "20");

        // a longer string comes a window of steps at a time; stepping past the window fetches the next
        browser.find("#repl-source-random").click();
        WebElement length = browser.find("#repl-length");
        length.clear();
        length.sendKeys("450");
        browser.find("#repl-run").click();
        browser.waiting().until(d -> browser.find("#ctl-label").getText().endsWith("of 450"));
        int shown = browser.all("#repl-svg-fifo g.col").size();
        assertThat(shown).as("a window, not the whole string").isLessThan(450);
        browser.find("body").sendKeys(Keys.END);
        waitAttribute("#view-replacement", "data-position", "450");
        browser.waiting().until(d -> !browser.all("#repl-svg-fifo g.col[data-index='449']").isEmpty());
        assertThat(browser.find("#repl-totals-table tr[data-policy='fifo'] .so-far").getText())
                .isEqualTo(browser.find("#repl-totals-table tr[data-policy='fifo'] .n-faults").getText() + " of 450");
        browser.find("#repl-classic").click();
        waitAttribute("#repl-totals-table tr[data-policy='opt']", "data-faults", "9");

        browser.find("#proc-run").click();
        browser.waiting().until(d -> !browser.all("#proc-area-local").isEmpty() && !browser.all("#proc-area-global").isEmpty());
        browser.find("#repl-svg-lru g.col[data-index='11'] rect.hot").click();
        waitAttribute("#view-replacement", "data-position", "12");
        assertThat(browser.find("#repl-why-lru").getDomAttribute("data-hit"))
                .isEqualTo(browser.find("#repl-svg-lru g.col[data-index='11']").getDomAttribute("data-hit"));
        browser.screenshot("replacement", WIDTH, 1900);
    }

    // ---------------------------------------------------------------- every view, exports

    /** Copies the browser's downloads to target/screenshots/exports, to be looked at. */
    private void keepExports() throws IOException {
        Path out = Files.createDirectories(Path.of("target", "screenshots", "exports"));
        browser.waiting().until(d -> {
            try (Stream<Path> files = Files.list(browser.downloads())) {
                return files.noneMatch(f -> f.toString().endsWith(".crdownload"));
            } catch (IOException e) {
                return false;
            }
        });
        try (Stream<Path> files = Files.list(browser.downloads())) {
            for (Path f : files.toList()) {
                Files.copy(f, out.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void everyView_clickedThrough_drawsAndExports() throws IOException {
        open("view=memory&step=5");
        for (String view : List.of("space", "tlb", "steps", "memory")) {
            tab(view);
            assertThat(browser.find("#view-" + view).isDisplayed()).isTrue();
            assertThat(browser.all("#view-" + view + " svg").size()).as("drawings in %s", view).isPositive();
        }
        browser.find("#view-memory .export-svg").click();
        Path svg = browser.downloads().resolve("memory-step-5.svg");
        browser.waiting().until(d -> Files.isRegularFile(svg) && svg.toFile().length() > 1000);
        assertThat(Files.readString(svg)).startsWith("<?xml").contains("<svg").contains("Physical memory at step 5");
        browser.find("#view-memory .export-png").click();
        Path png = browser.downloads().resolve("memory-step-5.png");
        browser.waiting().until(d -> Files.isRegularFile(png) && png.toFile().length() > 1000);
        byte[] head = Files.readAllBytes(png);
        assertThat(head[1]).isEqualTo((byte) 'P');
        assertThat(head[2]).isEqualTo((byte) 'N');
        for (String view : List.of("space", "tlb", "steps")) {
            tab(view);
            browser.find("#view-" + view + " .export-png").click();
            browser.waiting().until(d -> browser.find("#view-" + view + " .export").getDomAttribute("data-exported") != null);
        }
        keepExports();
        tab("tlb");
        browser.find("#view-tlb .export-csv").click();
        Path csv = browser.downloads().resolve("tlb-step-5.csv");
        browser.waiting().until(d -> Files.isRegularFile(csv) && csv.toFile().length() > 10);
        assertThat(Files.readAllLines(csv)).hasSize(1 + api.get("api/sessions/s1/tlb?step=5").get("lines").size()
                + api.get("api/sessions/s1/tlb?step=5").get("dropped").size());
    }
}
