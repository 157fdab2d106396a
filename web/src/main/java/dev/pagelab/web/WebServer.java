package dev.pagelab.web;

import static dev.pagelab.web.StateViews.ordered;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.scenario.Scenario;
import dev.pagelab.scenario.ScenarioException;
import dev.pagelab.scenario.ScenarioReader;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pagelab serve}'s server: the page's files from the jar and the JSON API under
 * {@code /api/}. The README's "pagelab serve" section is the API's reference for users; this is
 * its contract.
 *
 * <h2>Sessions</h2>
 * A session is a scenario loaded and run ({@link ScenarioSession}): the one given at start
 * ({@code s1}), a bundled example ({@code POST /api/examples/NAME}) or a YAML text sent with
 * {@code POST /api/scenario}, checked as {@code pagelab run} checks a file. Every look at a
 * session's machine takes {@code ?step=K} (0 = booted) and moves the machine there; without it,
 * the machine stays where it is. At most {@link Settings#maxSessions()} are kept; loading one
 * more drops the least recently used (never {@code s1}). Sessions are listed in the order they
 * were loaded.
 *
 * <h2>Routes</h2>
 * Every route is one entry of a table ({@code routes()}) that the server registers and that
 * {@code GET /api/info} lists ({@code /api/...} only), so the list cannot drift from what answers.
 * The memory view's answer is bounded: at most {@code maxRuns} rows ({@link Settings#memoryRuns()}
 * by default) over the frames {@code from} to {@code to}, exact runs or coarse buckets by the rule in
 * {@link FrameRows}.
 *
 * <h2>Safety</h2>
 * <ul>
 *   <li>It listens on 127.0.0.1 unless told otherwise; on loopback it answers only requests whose
 *       {@code Host} is a loopback name (a page on another site cannot reach it by DNS rebinding).</li>
 *   <li>Request bodies are bounded ({@link Settings#maxBodyBytes()}): a longer one gets 413 before
 *       anything parses it (read and dropped up to {@value #DRAINED_BYTES} bytes, so that the
 *       client, still sending, reads the answer); a scenario is parsed with the file reader's own limits (depth,
 *       aliases of collections), and must be UTF-8.</li>
 *   <li>Static files are a fixed list read from the jar at start ({@link StaticFiles}); no part of
 *       a request becomes a path.</li>
 *   <li>Every error is JSON, {@code {"status": 404, "error": "..."}}; an unexpected exception is
 *       logged on the server's stderr and answered with its class and message, never its trace.</li>
 *   <li>Every answer carries a Content-Security-Policy that allows only the page's own scripts,
 *       styles and API ({@code 'self'}), no inline script, no frames, no plug-ins.</li>
 * </ul>
 *
 * Thread-safe: Jetty serves requests on several threads; sessions lock themselves.
 */
public final class WebServer implements AutoCloseable {
    /** The Content-Security-Policy of every answer. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
            + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final String JSON = "application/json; charset=utf-8";
    /** The longest refused body read (and dropped) before the 413, so the client sees the answer. */
    static final long DRAINED_BYTES = 16L * 1024 * 1024;

    /**
     * How the server runs.
     *
     * @param host         the address to listen on (127.0.0.1 by default)
     * @param port         the port, 0 for a free one
     * @param maxBodyBytes the longest request body accepted
     * @param maxSessions  the most sessions kept at once
     * @param initial      the scenario of session {@code s1}
     * @param examples     the bundled example scenarios by file name, as text (may be empty)
     * @param traces       trace files the replacement view may read, by the name the page shows (may be empty)
     * @param memoryRuns   the rows the memory view's answer holds when the request does not say ({@code maxRuns})
     */
    public record Settings(String host, int port, long maxBodyBytes, int maxSessions, Scenario initial,
                           Map<String, String> examples, Map<String, Path> traces, int memoryRuns) {
        /** The default limit of a request body: 256 KiB, far more than any example. */
        public static final long DEFAULT_MAX_BODY_BYTES = 256 * 1024;
        /** The default number of sessions kept. */
        public static final int DEFAULT_MAX_SESSIONS = 8;
        /** The memory view's rows when a request does not say. */
        public static final int DEFAULT_MEMORY_RUNS = FrameRows.DEFAULT_MAX_RUNS;
        /** The most rows a memory view may be asked for. */
        public static final int MAX_MEMORY_RUNS = FrameRows.MAX_RUNS;

        public Settings {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is not a TCP port: expected 0 (any free port) to 65535");
            }
            if (maxBodyBytes < 1024 || maxSessions < 1) {
                throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + " and maxSessions " + maxSessions
                        + ": expected at least 1024 bytes and 1 session");
            }
            if (memoryRuns < 1 || memoryRuns > FrameRows.MAX_RUNS) {
                throw new IllegalArgumentException("memoryRuns " + memoryRuns + " is out of range: expected 1 to "
                        + FrameRows.MAX_RUNS);
            }
            examples = Map.copyOf(examples);
            traces = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(traces));
        }

        /** Loopback, a free port, the default limits. */
        public static Settings of(Scenario initial, Map<String, String> examples) {
            return new Settings("127.0.0.1", 0, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SESSIONS, initial, examples, Map.of(),
                    FrameRows.DEFAULT_MAX_RUNS);
        }

        public Settings withHost(String other) {
            return new Settings(other, port, maxBodyBytes, maxSessions, initial, examples, traces, memoryRuns);
        }

        public Settings withPort(int other) {
            return new Settings(host, other, maxBodyBytes, maxSessions, initial, examples, traces, memoryRuns);
        }

        public Settings withLimits(long bodyBytes, int sessions) {
            return new Settings(host, port, bodyBytes, sessions, initial, examples, traces, memoryRuns);
        }

        /** These traces for the replacement view, by the name the page shows. */
        public Settings withTraces(Map<String, Path> other) {
            return new Settings(host, port, maxBodyBytes, maxSessions, initial, examples, other, memoryRuns);
        }

        /** At most {@code rows} rows in a memory answer that does not ask for a number ({@link FrameRows}). */
        public Settings withMemoryRuns(int rows) {
            return new Settings(host, port, maxBodyBytes, maxSessions, initial, examples, traces, rows);
        }
    }

    private final Settings settings;
    private final ObjectMapper mapper = new ObjectMapper();
    private final StaticFiles files;
    private final ReplacementApi replacement;
    private final Map<String, ScenarioSession> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong nextId = new AtomicLong(1);
    private final boolean loopback;
    private final List<Route> routes;
    private Javalin app;
    private int port;

    private WebServer(Settings settings) {
        this.settings = settings;
        this.files = StaticFiles.load();
        this.replacement = new ReplacementApi(mapper, settings.traces());
        this.loopback = isLoopback(settings.host());
        this.routes = routes();
    }

    /**
     * Loads the initial scenario as session {@code s1} and starts listening.
     *
     * @throws dev.pagelab.scenario.ScenarioException when the initial scenario cannot run
     * @throws IllegalStateException when the port cannot be bound
     */
    public static WebServer start(Settings settings) {
        WebServer server = new WebServer(settings);
        server.add(settings.initial());
        server.app = Javalin.create(server::configure);
        try {
            server.app.start(settings.host(), settings.port());
            server.port = server.app.port();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + rootMessage(e), e);
        }
        return server;
    }

    /** The port it listens on (or listened on, once closed). */
    public int port() {
        return port;
    }

    /** The page's address: {@code http://127.0.0.1:PORT/}. */
    public String url() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        if (host.equals("0.0.0.0") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** Whether it listens on a loopback address only. */
    public boolean isLoopbackOnly() {
        return loopback;
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }

    // ---------------------------------------------------------------- routes

    /**
     * One endpoint: its method, its path (Javalin's, with {@code {placeholders}}), its query and
     * body as people read them ({@code [...]} is optional), and its handler. {@link #routes()} is
     * both what the server registers and what {@code GET /api/info} lists, so the two cannot drift.
     */
    private record Route(HandlerType method, String path, String usage, Handler handler) {
        String listing() {
            return method.name() + " " + path + usage;
        }
    }

    /** Every route, the page's and the API's ({@code /api/...}, which info lists), in the order info lists them. */
    private List<Route> routes() {
        String step = "[?step=K]";
        return List.of(
                new Route(HandlerType.GET, "/", "", ctx -> file(ctx, "index.html")),
                new Route(HandlerType.HEAD, "/", "", ctx -> file(ctx, "index.html")),
                new Route(HandlerType.GET, "/static/{name}", "", ctx -> file(ctx, ctx.pathParam("name"))),
                new Route(HandlerType.HEAD, "/static/{name}", "", ctx -> file(ctx, ctx.pathParam("name"))),
                new Route(HandlerType.GET, "/api/info", "", ctx -> json(ctx, info())),
                new Route(HandlerType.GET, "/api/examples", "", ctx -> json(ctx, examples())),
                new Route(HandlerType.POST, "/api/examples/{name}", "", ctx -> created(ctx, loadExample(ctx.pathParam("name")))),
                new Route(HandlerType.POST, "/api/scenario", "[?name=FILE] (body: YAML)", ctx -> created(ctx, loadScenario(ctx))),
                new Route(HandlerType.GET, "/api/sessions", "", ctx -> json(ctx, sessionList())),
                new Route(HandlerType.GET, "/api/sessions/{id}", "", ctx -> json(ctx, summary(session(ctx)))),
                new Route(HandlerType.DELETE, "/api/sessions/{id}", "", ctx -> json(ctx, drop(ctx.pathParam("id")))),
                new Route(HandlerType.GET, "/api/sessions/{id}/steps", "", ctx -> json(ctx, steps(session(ctx)))),
                new Route(HandlerType.GET, "/api/sessions/{id}/steps.csv", "", ctx -> csv(ctx, "steps.csv",
                        Exports.steps(session(ctx).events()))),
                new Route(HandlerType.GET, "/api/sessions/{id}/memory", "[?step=K&from=PFN&to=PFN&maxRuns=N]", ctx ->
                        json(ctx, look(ctx, (k, p, at) -> withStep(StateViews.memory(k, p, frameRows(ctx, k)), at)))),
                new Route(HandlerType.GET, "/api/sessions/{id}/memory.csv", "[?step=K&from=PFN&to=PFN&maxRuns=N]", ctx ->
                        csv(ctx, "memory.csv", look(ctx, (k, p, at) -> Exports.memory(frameRows(ctx, k))))),
                new Route(HandlerType.GET, "/api/sessions/{id}/frames/{pfn}", step, ctx -> json(ctx, look(ctx, (k, p, at) ->
                        withStep(StateViews.frame(k, p, number(ctx.pathParam("pfn"), "frame number")), at)))),
                new Route(HandlerType.GET, "/api/sessions/{id}/spaces", step, ctx -> json(ctx, look(ctx, (k, p, at) ->
                        ordered("step", at, "spaces", StateViews.spaces(k, p))))),
                new Route(HandlerType.GET, "/api/sessions/{id}/spaces/{space}/directory", step, ctx -> json(ctx, look(ctx,
                        (k, p, at) -> withStep(StateViews.directory(k, p, ctx.pathParam("space")), at)))),
                new Route(HandlerType.GET, "/api/sessions/{id}/spaces/{space}/tables/{index}", step, ctx -> json(ctx, look(ctx,
                        (k, p, at) -> withStep(StateViews.table(k, p, ctx.pathParam("space"),
                                (int) Math.min(Integer.MAX_VALUE, number(ctx.pathParam("index"), "directory index"))), at)))),
                new Route(HandlerType.GET, "/api/sessions/{id}/walk", "?vaddr=0x...[&space=kernel|pid-N][&step=K]", ctx ->
                        json(ctx, look(ctx, (k, p, at) -> withStep(StateViews.walk(k, p, spaceParam(ctx),
                                number(required(ctx, "vaddr"), "virtual address")), at)))),
                new Route(HandlerType.GET, "/api/sessions/{id}/tlb", step, this::tlb),
                new Route(HandlerType.GET, "/api/replacement/policies", "", ctx -> json(ctx, replacement.policies())),
                new Route(HandlerType.POST, "/api/replacement", " (body: JSON)", ctx ->
                        json(ctx, replacement.compare(ctx.bodyAsBytes()))),
                new Route(HandlerType.POST, "/api/replacement/processes", " (body: JSON)", ctx ->
                        json(ctx, replacement.processes(ctx.bodyAsBytes()))));
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.http.maxRequestSize = settings.maxBodyBytes();
        config.routes.before(this::guard);
        for (Route r : routes) {
            config.routes.addHttpHandler(r.method(), r.path(), r.handler());
        }
        config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                e.getStatus() == 413 ? "the request body is larger than " + settings.maxBodyBytes() + " bytes" : e.getMessage()));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "the server failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        });
        config.routes.error(404, "*", ctx -> {
            String type = ctx.res().getContentType();
            if (type == null || !type.startsWith("application/json")) {
                error(ctx, 404, "no such page or endpoint: " + ctx.method() + " " + ctx.path()
                        + " (the API is listed at GET /api/info)");
            }
        });
        config.routes.error(405, "*", ctx -> error(ctx, 405, ctx.method() + " is not allowed on " + ctx.path()));
    }

    private void guard(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        if (loopback) {
            String host = ctx.host();
            String name = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
            if (!(name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]"))) {
                throw new ApiException(403, "this server listens on loopback and answers only requests to"
                        + " 127.0.0.1 or localhost, not to '" + host + "'");
            }
        }
        String length = ctx.header("Content-Length");
        if (length != null) {
            try {
                long declared = Long.parseLong(length.strip());
                if (declared > settings.maxBodyBytes()) {
                    if (declared <= DRAINED_BYTES) {
                        drain(ctx);
                    }
                    ctx.header("Connection", "close");
                    throw new ApiException(413, "the request body (" + length.strip() + " bytes) is larger than "
                            + settings.maxBodyBytes() + " bytes");
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length '" + length + "' is not a number");
            }
        }
    }

    /**
     * Reads a refused body to its end and drops it, a buffer at a time: a client still sending
     * when the connection closes may lose the answer to the reset (it reads "no response" instead
     * of the 413). Bodies above {@link #DRAINED_BYTES} are not read; their connection just closes.
     */
    private static void drain(Context ctx) {
        try (var in = ctx.req().getInputStream()) {
            byte[] buffer = new byte[16 * 1024];
            while (in.read(buffer) >= 0) {
                // dropped
            }
        } catch (java.io.IOException e) {
            // The client went away: there is no one to answer.
        }
    }

    private void file(Context ctx, String name) {
        StaticFiles.File f = files.get(name);
        if (f == null) {
            throw ApiException.notFound("no file '" + name + "' in the page");
        }
        ctx.contentType(f.contentType()).result(f.bytes());
    }

    // ---------------------------------------------------------------- sessions

    private synchronized ScenarioSession add(Scenario scenario) {
        String id = "s" + nextId.getAndIncrement();
        ScenarioSession session = new ScenarioSession(id, scenario);
        while (sessions.size() >= settings.maxSessions()) {
            String oldest = null;
            for (String key : sessions.keySet()) {
                if (!key.equals("s1")) {
                    oldest = key;
                    break;
                }
            }
            if (oldest == null) {
                break;
            }
            sessions.remove(oldest);
        }
        sessions.put(id, session);
        return session;
    }

    private synchronized Map<String, Object> drop(String id) {
        if (id.equals("s1")) {
            throw ApiException.badRequest("session s1 is the one the server started with; it stays");
        }
        if (sessions.remove(id) == null) {
            throw ApiException.notFound("no session '" + id + "': there are " + String.join(", ", sessions.keySet()));
        }
        return ordered("dropped", id);
    }

    private synchronized ScenarioSession session(Context ctx) {
        String id = ctx.pathParam("id");
        ScenarioSession s = sessions.get(id);
        if (s == null) {
            throw ApiException.notFound("no session '" + id + "': there are " + String.join(", ", sessions.keySet())
                    + " (at most " + settings.maxSessions() + " are kept; the least recently used goes first)");
        }
        return s;
    }

    private synchronized List<Object> sessionList() {
        List<Object> out = new ArrayList<>();
        List<ScenarioSession> byId = new ArrayList<>(sessions.values());
        byId.sort(java.util.Comparator.comparingLong(s -> Long.parseLong(s.id().substring(1))));
        for (ScenarioSession s : byId) {
            out.add(ordered("id", s.id(), "title", s.scenario().title(), "source", s.scenario().source()));
        }
        return out;
    }

    private ScenarioSession loadExample(String name) {
        String text = settings.examples().get(name);
        if (text == null) {
            throw ApiException.notFound("no example '" + name + "': there are "
                    + String.join(", ", settings.examples().keySet().stream().sorted().toList()));
        }
        return add(parse("examples/" + name, text));
    }

    private ScenarioSession loadScenario(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: expected a scenario in YAML (as 'pagelab run' reads)");
        }
        String name = ctx.queryParam("name");
        String source = name == null || name.isBlank() ? "scenario.yaml" : name.replaceAll("[^A-Za-z0-9._-]", "_");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest(source + ": the body is not UTF-8 text");
        }
        return add(parse(source, text));
    }

    private static Scenario parse(String source, String text) {
        try {
            return ScenarioReader.parse(source, text, null);
        } catch (ScenarioException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    // ---------------------------------------------------------------- answers

    private Map<String, Object> info() {
        String version = WebServer.class.getPackage().getImplementationVersion();
        return ordered("name", "pagelab", "version", version == null ? "development build" : version,
                "sessions", sessionList(), "examples", examples(), "traces", replacement.traceList(), "owners", StateViews.owners(),
                "entryBits", StateViews.entryBits(),
                "limits", ordered("maxBodyBytes", settings.maxBodyBytes(), "maxSessions", settings.maxSessions(),
                        "memoryRuns", settings.memoryRuns(), "maxMemoryRuns", FrameRows.MAX_RUNS),
                "endpoints", routes.stream().filter(r -> r.path().startsWith("/api/")).map(Route::listing).toList());
    }

    private List<Object> examples() {
        List<Object> out = new ArrayList<>();
        for (String name : settings.examples().keySet().stream().sorted().toList()) {
            out.add(ordered("name", name));
        }
        return out;
    }

    private static Map<String, Object> summary(ScenarioSession s) {
        Scenario sc = s.scenario();
        return ordered("id", s.id(), "title", sc.title(), "description", sc.description(), "source", sc.source(),
                "machine", sc.machine().toString(), "allocator", String.valueOf(sc.config().allocator()),
                "steps", sc.steps().size(), "stepsRun", s.stepsRun(), "position", s.position(),
                "stopped", s.stepsRun() < sc.steps().size(), "processes", sc.processes() != null,
                "loadMillis", s.loadedNanos() / 1_000_000);
    }

    private static Map<String, Object> steps(ScenarioSession s) {
        List<Object> steps = new ArrayList<>();
        s.events().forEach(e -> steps.add(StepJson.of(e)));
        return ordered("id", s.id(), "steps", steps);
    }

    private void tlb(Context ctx) {
        ScenarioSession s = session(ctx);
        json(ctx, s.at(stepParam(ctx), (k, p, step) -> withStep(StateViews.tlb(k, s.tlbAfter(Math.max(0, step - 1)),
                s.tlbAfter(step), step == 0 ? null : new StateViews.TlbStep(s.event(step), s.op(step), s.tlbEvents(step))),
                step)));
    }

    /** The memory view's rows asked for by {@code from}, {@code to} and {@code maxRuns} (the settings' default). */
    private FrameRows.Rows frameRows(Context ctx, Kernel kernel) {
        String from = ctx.queryParam("from");
        String to = ctx.queryParam("to");
        String maxRuns = ctx.queryParam("maxRuns");
        return FrameRows.of(kernel.accounting(), from == null ? 0 : number(from, "from"),
                to == null ? FrameRows.TO_TOP : number(to, "to"),
                maxRuns == null ? settings.memoryRuns() : (int) Math.min(Integer.MAX_VALUE, number(maxRuns, "maxRuns")));
    }

    private <T> T look(Context ctx, ScenarioSession.View<T> view) {
        return session(ctx).at(stepParam(ctx), view);
    }

    private static Map<String, Object> withStep(Map<String, Object> view, int step) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", step);
        view.forEach((k, v) -> {
            if (!k.equals("step")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Integer stepParam(Context ctx) {
        String s = ctx.queryParam("step");
        return s == null ? null : (int) Math.min(Integer.MAX_VALUE, number(s, "step"));
    }

    private static String spaceParam(Context ctx) {
        String s = ctx.queryParam("space");
        return s == null || s.isBlank() ? StateViews.KERNEL : s;
    }

    private static String required(Context ctx, String name) {
        String s = ctx.queryParam(name);
        if (s == null || s.isBlank()) {
            throw ApiException.badRequest("the query parameter '" + name + "' is missing");
        }
        return s;
    }

    /** A decimal or 0x-hexadecimal number from a request, 0 to 2^32-1. */
    static long number(String text, String what) {
        String t = text.strip().replace("_", "");
        try {
            long v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw ApiException.badRequest(what + " " + text + " is out of range: expected 0 to 0xFFFFFFFF");
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(what + " '" + text + "' is not a number: expected decimal or 0x hexadecimal");
        }
    }

    private void created(Context ctx, ScenarioSession s) {
        ctx.status(201);
        json(ctx, summary(s));
    }

    private void json(Context ctx, Object value) {
        try {
            ctx.contentType(JSON).result(mapper.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void csv(Context ctx, String name, String text) {
        ctx.contentType("text/csv; charset=utf-8").header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                .result(text);
    }

    private void error(Context ctx, int status, String message) {
        ctx.status(status);
        json(ctx, ordered("status", status, "error", message));
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
