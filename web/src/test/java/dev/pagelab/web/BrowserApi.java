package dev.pagelab.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The browser tests' own look at the API: the oracle the page's views are checked against. */
final class BrowserApi {
    /** An answer: its status and its JSON. */
    record Answer(int status, JsonNode json) {
    }

    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();

    BrowserApi(String base) {
        this.base = base;
    }

    /** GET base + path, expecting 200. */
    JsonNode get(String path) {
        Answer a = send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
        if (a.status() != 200) {
            throw new AssertionError("GET " + path + " answered " + a.status() + ": " + a.json());
        }
        return a.json();
    }

    /** GET base + path, whatever the status. */
    Answer look(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    /** POST body as contentType to base + path, whatever the status. */
    Answer post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body().isEmpty() ? mapper.nullNode() : mapper.readTree(r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
        }
    }
}
