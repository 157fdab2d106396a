package dev.pagelab.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** A small HTTP client for the API tests: one call, its status, its body as text and as JSON. */
final class ApiClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    ApiClient(WebServer server) {
        this.base = "http://127.0.0.1:" + server.port();
    }

    /** An answer. */
    record Answer(int status, String body, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    Answer post(String path, byte[] body, String contentType) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    Answer post(String path, String body) {
        return post(path, body.getBytes(StandardCharsets.UTF_8), "text/yaml");
    }

    Answer postJson(String path, Object body) {
        try {
            return post(path, MAPPER.writeValueAsBytes(body), "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Answer head(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    }

    Answer delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE().build());
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The bundled examples, from the test classpath, by file name. */
    static Map<String, String> examples() {
        Map<String, String> out = new TreeMap<>();
        for (String name : new String[] {"seeds-walkthrough.yaml", "stale-tlb.yaml", "demand-paging.yaml",
            "heap-fragmentation.yaml", "two-processes-local.yaml", "two-processes-global.yaml"}) {
            out.put(name, example(name));
        }
        return out;
    }

    static String example(String name) {
        try (InputStream in = ApiClient.class.getResourceAsStream("/examples/" + name)) {
            if (in == null) {
                throw new AssertionError("examples/" + name + " is not on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
