package dev.pagelab.conformance;

import dev.pagelab.boot.MachineProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run of {@code qemu-system-i386} with the stub kernel:
 * <pre>
 *  qemu-system-i386 -machine pc|q35 -m SIZE -cpu qemu32[,+pse36] -accel tcg -nodefaults -display none
 *      -no-reboot -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4
 *      -kernel stub.elf [-initrd block.bin] [-qmp unix:DIR/qmp.sock,server=on,wait=off]
 * </pre>
 * COM1 is QEMU's standard input and output: {@link #line()} reads what the stub prints, and
 * {@link #resume()} sends it the byte it waits for after a phase. The monitor, when asked for,
 * is a QMP socket ({@link #monitor()}). The stub ends the run through {@code isa-debug-exit}:
 * QEMU's status is then {@code (code << 1) | 1}, so 1 for the stub's success. {@link #close()}
 * kills whatever is left and removes the run's directory.
 */
final class QemuRun implements AutoCloseable {
    /** How long a line from the stub may take before the run is declared hung. */
    static final Duration LINE_TIMEOUT = Duration.ofSeconds(60);
    /** QEMU's exit status when the stub writes 0 to isa-debug-exit. */
    static final int STUB_SUCCESS = 1;

    private static final String EOF = "\u0000EOF";
    private static final Pattern PROFILE_NAME = Pattern.compile("qemu-(pc|q35)-(\\d+[MG])");

    private final Process process;
    private final Path dir;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> recent = new ArrayDeque<>();
    private final OutputStream serialIn;
    private final List<String> command;
    private Qmp qmp;

    private QemuRun(Process process, Path dir, List<String> command) {
        this.process = process;
        this.dir = dir;
        this.command = command;
        this.serialIn = process.getOutputStream();
        Thread reader = new Thread(this::pump, "qemu-serial");
        reader.setDaemon(true);
        reader.start();
    }

    /** QEMU's {@code -machine} and {@code -m} for a built-in profile: {@code qemu-q35-3G} is {@code q35}, {@code 3G}. */
    static List<String> machineArguments(MachineProfile profile) {
        Matcher m = PROFILE_NAME.matcher(profile.name());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a built-in QEMU profile: " + profile.name());
        }
        return List.of("-machine", m.group(1), "-m", m.group(2));
    }

    /**
     * Starts QEMU on {@code profile}'s machine with the stub.
     *
     * @param cpu     QEMU's {@code -cpu}: {@code qemu32}, or {@code qemu32,+pse36}
     * @param module  the parameter block, handed over as the only Multiboot module; null for none
     * @param monitor whether to open the QMP socket
     */
    static QemuRun start(MachineProfile profile, String cpu, StubKernel stub, byte[] module, boolean monitor) {
        try {
            Path dir = Files.createTempDirectory("pagelab-qemu");
            List<String> command = new ArrayList<>(List.of(ConformanceTools.fromEnvironment().qemuPath().toString()));
            command.addAll(machineArguments(profile));
            command.addAll(List.of("-cpu", cpu, "-accel", "tcg", "-nodefaults", "-display", "none", "-no-reboot",
                    "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", stub.elf().toString()));
            if (module != null) {
                Path block = dir.resolve("block.bin");
                Files.write(block, module);
                command.addAll(List.of("-initrd", block.toString()));
            }
            if (monitor) {
                command.addAll(List.of("-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off"));
            }
            Process process = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
            return new QemuRun(process, dir, command);
        } catch (IOException e) {
            throw new UncheckedIOException("starting qemu-system-i386", e);
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.ISO_8859_1))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process went away: the end of the stream says so
        }
        lines.add(EOF);
    }

    /**
     * The next line the stub prints.
     *
     * @throws IllegalStateException when QEMU ends first or nothing comes within {@link #LINE_TIMEOUT},
     *                               with the last lines and QEMU's messages
     */
    String line() {
        String line;
        try {
            line = lines.poll(LINE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (line == null || line.equals(EOF)) {
            if (line == null) {
                lines.add(EOF); // keep later calls from waiting again
            }
            throw new IllegalStateException((line == null ? "no line from the stub within " + LINE_TIMEOUT
                    : "QEMU ended") + "\n" + context());
        }
        if (line.startsWith("ERROR")) {
            throw new IllegalStateException("the stub stopped: " + line + "\n" + context());
        }
        recent.addLast(line);
        if (recent.size() > 20) {
            recent.removeFirst();
        }
        return line;
    }

    /** Lines up to and including the first that starts with {@code prefix}. */
    List<String> linesThrough(String prefix) {
        List<String> out = new ArrayList<>();
        String line;
        do {
            line = line();
            out.add(line);
        } while (!line.startsWith(prefix));
        return out;
    }

    /** QEMU's monitor, connected on first use. */
    Qmp monitor() {
        if (qmp == null) {
            Path socket = dir.resolve("qmp.sock");
            long deadline = System.nanoTime() + LINE_TIMEOUT.toNanos();
            while (true) {
                try {
                    qmp = Qmp.connect(socket);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        throw new UncheckedIOException("cannot reach QEMU's monitor at " + socket + "\n" + context(), e);
                    }
                    sleep();
                }
            }
        }
        return qmp;
    }

    /** Sends the stub the byte it waits for at the end of a phase. */
    void resume() {
        try {
            serialIn.write('\n');
            serialIn.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to the stub's COM1\n" + context(), e);
        }
    }

    /** Waits for QEMU to end and returns its exit status. */
    int exitStatus() {
        try {
            if (!process.waitFor(LINE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("QEMU did not end within " + LINE_TIMEOUT + "\n" + context());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return process.exitValue();
    }

    /** The command, the last lines of the stub and QEMU's standard error, for failure messages. */
    String context() {
        String stderr;
        try {
            Path file = dir.resolve("stderr.txt");
            stderr = Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1).strip() : "";
        } catch (IOException e) {
            stderr = "(unreadable: " + e.getMessage() + ")";
        }
        return "command: " + String.join(" ", command) + "\nlast lines from the stub:\n  " + String.join("\n  ", recent)
                + (stderr.isEmpty() ? "" : "\nQEMU says: " + stderr);
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (qmp != null) {
            qmp.close();
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
