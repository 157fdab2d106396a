package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pagelab serve} from the command line: the address it prints answers, and bad options exit 2. */
class ServeCommandTest {
    @AfterEach
    void reset() {
        ServeCommand.startedForTests = null;
    }

    @Test
    void serve_noArguments_printsTheAddressOfTheWalkThroughOnLoopback(@TempDir Path dir) throws Exception {
        SynchronousQueue<Runnable> stoppers = new SynchronousQueue<>();
        ServeCommand.startedForTests = stop -> {
            try {
                stoppers.put(stop);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Path trace = Files.writeString(dir.resolve("t.trace"), "0x1000 R\n0x2000 W\n0x1000 R\n");
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("serve", "--replay", trace.toString()));
        Runnable stop = stoppers.poll(60, TimeUnit.SECONDS);
        assertThat(stop).as("the server started").isNotNull();
        stop.run();
        CliRun done = run.get(30, TimeUnit.SECONDS);
        assertThat(done.status()).as(done.err()).isZero();
        Matcher m = Pattern.compile("pagelab serve: http://127\\.0\\.0\\.1:(\\d+)/").matcher(done.out());
        assertThat(m.find()).as(done.out()).isTrue();
        assertThat(done.out()).contains("examples/seeds-walkthrough.yaml", "t.trace");
    }

    @Test
    void serve_whileRunning_answersTheApiAtThePrintedPort() throws Exception {
        SynchronousQueue<Runnable> stoppers = new SynchronousQueue<>();
        ServeCommand.startedForTests = stop -> {
            try {
                stoppers.put(stop);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("serve", "--port", "" + port,
                "--allocator", "buddy"));
        Runnable stop = stoppers.poll(60, TimeUnit.SECONDS);
        assertThat(stop).isNotNull();
        try {
            HttpResponse<String> info = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/sessions/s1/memory?step=0")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(info.statusCode()).isEqualTo(200);
            assertThat(info.body()).contains("\"name\":\"buddy\"", "buddyOrders");
        } finally {
            stop.run();
        }
        assertThat(run.get(30, TimeUnit.SECONDS).status()).isZero();
    }

    @Test
    void serve_badInput_exit2WithTheProblem() {
        CliRun missing = CliRun.of("serve", "no-such-scenario.yaml");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("no-such-scenario.yaml").doesNotContain("\tat ");
        CliRun trace = CliRun.of("serve", "--replay", "no-such.trace");
        assertThat(trace.status()).isEqualTo(2);
        assertThat(trace.err()).contains("--replay no-such.trace: not a readable file");
        CliRun port = CliRun.of("serve", "--port", "70000");
        assertThat(port.status()).isEqualTo(2);
        assertThat(port.err()).contains("70000");
        CliRun runs = CliRun.of("serve", "--memory-runs", "0");
        assertThat(runs.status()).isEqualTo(2);
        assertThat(runs.err()).contains("--memory-runs: expected 1 to 65536, got 0");
        CliRun body = CliRun.of("serve", "--max-body", "10");
        assertThat(body.status()).isEqualTo(2);
        assertThat(body.err()).contains("--max-body: expected at least 1024 bytes, got 10");
    }
}
