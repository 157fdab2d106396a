package dev.pagelab.conformance;

import dev.pagelab.boot.KernelImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stub kernel ({@code src/main/asm/stub.asm}), assembled with {@code nasm -f bin} into
 * {@code target/conformance/stub.elf} the first time a test asks for it in this JVM. The file
 * is an ELF32 executable with one segment at 1 MiB: {@link #image()} reads it back with
 * pagelab's own ELF reader, so the tests know which pages the stub occupies.
 */
final class StubKernel {
    private static StubKernel built;

    private final Path elf;
    private final KernelImage image;

    private StubKernel(Path elf, KernelImage image) {
        this.elf = elf;
        this.image = image;
    }

    /** The assembled stub; assembles it on first use. */
    static synchronized StubKernel get() {
        if (built == null) {
            built = assemble(ConformanceTools.fromEnvironment().nasmPath());
        }
        return built;
    }

    private static StubKernel assemble(Path nasm) {
        Path base = Path.of(System.getProperty("basedir", "."));
        Path source = base.resolve("src/main/asm/stub.asm");
        Path out = base.resolve("target/conformance/stub.elf");
        try {
            Files.createDirectories(out.getParent());
            Process p = new ProcessBuilder(List.of(nasm.toString(), "-f", "bin", "-o", out.toString(), source.toString()))
                    .redirectErrorStream(true).start();
            String messages = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("nasm could not assemble " + source + ":\n" + messages);
            }
            return new StubKernel(out, KernelImage.readElf(out.toString(), Files.readAllBytes(out)));
        } catch (IOException e) {
            throw new UncheckedIOException("assembling " + source, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while assembling " + source, e);
        }
    }

    /** The ELF file, for QEMU's {@code -kernel}. */
    Path elf() {
        return elf;
    }

    /** The stub as pagelab reads it: one segment, code and data and stacks, at 1 MiB. */
    KernelImage image() {
        return image;
    }
}
