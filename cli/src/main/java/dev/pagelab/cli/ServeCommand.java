package dev.pagelab.cli;

import dev.pagelab.scenario.OnError;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.ScenarioReader;
import dev.pagelab.web.WebServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pagelab serve}: starts the web page on loopback and prints its address; runs until
 * interrupted (Ctrl-C).
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "A web page that shows the memory manager at work: frames, tables, the TLB, steps, replacement.",
        description = {
            "Start a web server on 127.0.0.1 (a free port unless --port), print the page's address, and"
                    + " serve until Ctrl-C. Nothing opens by itself: open the address in a browser.",
            "",
            "The page loads SCENARIO (default: the seeds' walk-through, as 'pagelab demo' runs it) and shows"
                    + " the machine after any of its steps: physical memory by owner, the kernel's and each"
                    + " process's directory and tables decoded bit by bit, the walk of an address you type, the"
                    + " TLB, the steps with play and step back, and replacement policies side by side. The"
                    + " bundled examples and scenarios you upload run there too; the JSON API under /api/"
                    + " is what the page uses (see the README)."},
        footer = {"", "Examples: pagelab serve", "          pagelab serve examples/demand-paging.yaml --port 8080",
            "          pagelab serve --machine qemu-pc-4G --allocator buddy",
            "          pagelab serve --replay ls.lackey.gz"})
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO",
            description = "A scenario file (YAML) to load first (default: the seeds' walk-through).")
    Path file;

    @Option(names = "--port", paramLabel = "N", description = "Listen on this port (default: a free one).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Listen on this address instead of 127.0.0.1; the page has no login, so anyone who can"
                    + " reach the address can use it (a warning says so).")
    String host = "127.0.0.1";

    @Option(names = "--replay", paramLabel = "TRACE", arity = "1..*",
            description = "Trace files (any format 'pagelab replay' reads) the replacement view can step through:"
                    + " the first references of one, up to 100,000, with every policy's totals over the whole"
                    + " trace on request.")
    List<Path> traces = new ArrayList<>();

    @Option(names = "--max-body", paramLabel = "BYTES",
            description = "The largest request body (an uploaded scenario) accepted (default: ${DEFAULT-VALUE}).")
    long maxBody = WebServer.Settings.DEFAULT_MAX_BODY_BYTES;

    @Option(names = "--memory-runs", paramLabel = "N",
            description = "Rows the memory view answers with when the page does not say: runs of frames with one"
                    + " owner, or coarser buckets when there are more (1 to 65536; default: ${DEFAULT-VALUE}).")
    int memoryRuns = WebServer.Settings.DEFAULT_MEMORY_RUNS;

    @Mixin
    ScenarioChanges changes;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Tests set this to be handed a way to stop the server once it listens; null otherwise. */
    static volatile java.util.function.Consumer<Runnable> startedForTests;

    /** The traces by file name (the folder added when two share a name); each must be a readable file. */
    private Map<String, Path> traceNames() {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Path t : traces) {
            if (!Files.isRegularFile(t) || !Files.isReadable(t)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--replay " + t + ": not a readable file");
            }
            String name = t.getFileName().toString();
            out.put(out.containsKey(name) ? t.toString() : name, t);
        }
        return out;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (memoryRuns < 1 || memoryRuns > WebServer.Settings.MAX_MEMORY_RUNS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--memory-runs: expected 1 to "
                    + WebServer.Settings.MAX_MEMORY_RUNS + ", got " + memoryRuns);
        }
        if (maxBody < 1024) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-body: expected at least 1024 bytes, got "
                    + maxBody);
        }
        Scenario scenario = file == null ? DemoCommand.bundled(DemoCommand.EXAMPLE).withOnError(OnError.CONTINUE)
                : ScenarioReader.read(file);
        scenario = changes.apply(scenario);
        WebServer.Settings settings = WebServer.Settings.of(scenario, BundledExamples.all()).withHost(host)
                .withPort(port).withLimits(maxBody, WebServer.Settings.DEFAULT_MAX_SESSIONS).withTraces(traceNames())
                .withMemoryRuns(memoryRuns);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        WebServer server;
        try {
            server = WebServer.start(settings);
        } catch (IllegalStateException e) {
            err.println("serve: " + e.getMessage());
            err.flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            server.close();
            stopped.countDown();
        };
        Thread hook = new Thread(stop, "pagelab-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        if (!server.isLoopbackOnly()) {
            err.println("serve: warning: listening on " + host + ", not loopback: anyone who can reach this address"
                    + " can use the page and its API (there is no login)");
            err.flush();
        }
        out.println("pagelab serve: " + server.url());
        out.println("  loaded " + scenario.source() + " (" + scenario.steps().size() + " steps, " + scenario.machine() + ")");
        if (!traces.isEmpty()) {
            out.println("  traces for the replacement view: " + String.join(", ", traceNames().keySet()));
        }
        out.println("  open the address in a browser; Ctrl-C stops the server");
        out.flush();
        java.util.function.Consumer<Runnable> watcher = startedForTests;
        if (watcher != null) {
            watcher.accept(() -> {
                Runtime.getRuntime().removeShutdownHook(hook);
                stop.run();
            });
        }
        stopped.await();
        return 0;
    }
}
