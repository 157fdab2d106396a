package dev.pagelab.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagelab.boot.BootReport;
import dev.pagelab.boot.Printable;
import dev.pagelab.kernel.KernelView;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.scenario.Changes;
import dev.pagelab.scenario.ProcessReport;
import dev.pagelab.scenario.ProcessSetup;
import dev.pagelab.scenario.RunReport;
import dev.pagelab.scenario.RunResult;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.StepEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** What {@code pagelab run} and {@code pagelab demo} print: a header, a line a step, a final report; or JSON. */
final class ScenarioPrinter {
    private static final String INDENT = "      ";

    private ScenarioPrinter() {
    }

    /** The scenario's title and description, the machine, and the kernel's start-up. */
    static void header(PrintWriter out, String command, Scenario scenario, KernelView kernel) {
        out.println("pagelab " + command + ": " + scenario.source());
        if (scenario.title() != null) {
            out.println(Printable.escape(scenario.title()));
        }
        if (scenario.description() != null) {
            scenario.description().strip().lines().forEach(line -> out.println("  " + Printable.escape(line)));
        }
        BootReport report = kernel.report();
        out.println();
        out.printf(Locale.ROOT, "Booted %s: %,d of %,d usable frames free for the allocator. The kernel starts (%s):%n",
                report.source(), report.freeFrames(), report.usableFrames(), kernel.config());
        kernel.startupLog().forEach(line -> out.println("  " + line));
        if (scenario.processes() != null) {
            out.println();
            out.println("Processes: " + scenario.processes().describe());
        }
        out.println();
        out.println("Steps (on error: " + scenario.onError().key() + "):");
    }

    /** One line for the step, then its note, its trace, its details and what it missed, indented. */
    static void event(PrintWriter out, StepEvent e) {
        String status = e.outcome() == StepEvent.Outcome.FAILED ? "FAILED" : "ok";
        String expected = e.outcome() == StepEvent.Outcome.EXPECTED_FAILURE ? " (failed as expected)" : "";
        out.printf(Locale.ROOT, "%3d %-6s %s  =>  %s%s  |  %s%n", e.step(), status, Printable.escape(e.text()),
                Printable.escape(e.result()), expected,
                e.changes().summary());
        if (e.note() != null) {
            e.note().strip().lines().forEach(line -> out.println(INDENT + "note: " + Printable.escape(line)));
        }
        e.trace().forEach(line -> out.println(INDENT + "| " + line));
        e.details().forEach(line -> out.println(INDENT + Printable.escape(line)));
        e.mismatches().forEach(line -> out.println(INDENT + "MISSED " + Printable.escape(line)));
        if (e.outcome() == StepEvent.Outcome.FAILED && e.mismatches().isEmpty()) {
            out.println(INDENT + "the step at line " + e.line() + " failed unexpectedly");
        }
    }

    /** The final report, and a last line naming the failed steps. */
    static void report(PrintWriter out, String command, RunResult result) {
        out.println();
        out.println("Final report:");
        result.report().render().forEach(line -> out.println("  " + line));
        if (result.report().notRun() > 0) {
            out.printf("pagelab %s: stopped after step %d (on-error: stop); %d steps not run%n", command,
                    result.events().get(result.events().size() - 1).step(), result.report().notRun());
        }
    }

    /** The scenario, the kernel's start-up, the event log and the final report as one JSON object. */
    static String json(RunResult result) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .registerModule(new SimpleModule().addSerializer(Enum.class, new EnumValue())
                        .addKeySerializer(Enum.class, new EnumKey()))
                .addMixIn(Changes.class, ChangesWithoutProcesses.class)
                .addMixIn(RunReport.class, ReportWithoutProcesses.class);
        ObjectNode root = mapper.createObjectNode();
        Scenario scenario = result.scenario();
        ObjectNode s = root.putObject("scenario");
        s.put("source", scenario.source()).put("title", scenario.title()).put("machine", scenario.machine().toString());
        KernelConfig config = scenario.config();
        s.putObject("kernel").put("allocator", config.allocator()).put("tableAccess", config.tableAccess().label())
                .put("largePages", config.largePages()).putPOJO("tlb", config.tlb());
        if (scenario.processes() != null) {
            ProcessSetup setup = scenario.processes();
            ObjectNode p = s.putObject("processes");
            p.putPOJO("config", setup.config());
            p.put("referenceHook", setup.referenceHook());
            p.put("summary", setup.describe());
        }
        s.put("onError", scenario.onError().key());
        root.putPOJO("boot", result.kernel().view().startupLog());
        ArrayNode events = root.putArray("events");
        for (StepEvent e : result.events()) {
            ObjectNode event = mapper.valueToTree(e);
            ((ObjectNode) event.get("changes")).put("summary", e.changes().summary());
            events.add(event);
        }
        root.set("report", mapper.valueToTree(result.report()));
        root.put("succeeded", result.succeeded());
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run: the event log cannot be written as JSON", e);
        }
    }

    /** A run without processes prints no {@code processPages}: the log stays what it was before processes. */
    private interface ChangesWithoutProcesses {
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        List<Changes.ProcessPageChange> processPages();
    }

    /** A run without processes prints no {@code processes} in its report. */
    private interface ReportWithoutProcesses {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        ProcessReport processes();
    }

    /** {@code PAGE_TABLE} as {@code page-table}, as scenario files spell enum constants. */
    private static String key(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Enum values as {@link #key}. */
    @SuppressWarnings("rawtypes")
    private static final class EnumValue extends JsonSerializer<Enum> {
        @Override
        public void serialize(Enum value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(key(value));
        }
    }

    /** Enum map keys as {@link #key}. */
    @SuppressWarnings("rawtypes")
    private static final class EnumKey extends JsonSerializer<Enum> {
        @Override
        public void serialize(Enum value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeFieldName(key(value));
        }
    }
}
