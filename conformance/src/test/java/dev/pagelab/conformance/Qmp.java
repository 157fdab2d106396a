package dev.pagelab.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A client of QEMU's machine protocol (QMP) over its Unix socket, for one thing: running
 * monitor commands ({@code info tlb}, {@code info mem}, {@code gva2gpa}, {@code xp}) through
 * {@code human-monitor-command} and returning their text. Messages are one JSON object a line;
 * asynchronous events in between are skipped.
 */
final class Qmp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private Qmp(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects to the socket at {@code path}, reads the greeting and leaves capabilities negotiation. */
    static Qmp connect(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(path));
        Qmp qmp = new Qmp(channel);
        JsonNode greeting = qmp.message();
        if (!greeting.has("QMP")) {
            qmp.close();
            throw new IOException("QMP at " + path + ": no greeting but " + greeting);
        }
        qmp.execute(JSON.createObjectNode().put("execute", "qmp_capabilities"));
        return qmp;
    }

    /** What the monitor prints for {@code commandLine}. */
    String hmp(String commandLine) {
        ObjectNode request = JSON.createObjectNode().put("execute", "human-monitor-command");
        request.putObject("arguments").put("command-line", commandLine);
        return execute(request).asText();
    }

    private JsonNode execute(ObjectNode request) {
        try {
            out.write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                JsonNode reply = message();
                if (reply.has("return")) {
                    return reply.get("return");
                }
                if (reply.has("error")) {
                    throw new IllegalStateException("QMP " + request + " failed: " + reply.get("error"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("QMP " + request, e);
        }
    }

    private JsonNode message() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QMP: QEMU closed the socket");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // QEMU is going away anyway
        }
    }
}
