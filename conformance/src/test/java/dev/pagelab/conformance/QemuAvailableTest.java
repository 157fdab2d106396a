package dev.pagelab.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The skip-or-fail decision, without QEMU: it runs everywhere. */
class QemuAvailableTest {
    @Test
    void decide_bothToolsPresent_runs() {
        var tools = new ConformanceTools(Optional.of(Path.of("/usr/bin/qemu-system-i386")), Optional.of(Path.of("/usr/bin/nasm")),
                true);

        assertThat(QemuAvailable.decide(tools).isDisabled()).isFalse();
    }

    @Test
    void decide_qemuMissingNotRequired_skipsWithTheInstallLine() {
        var tools = new ConformanceTools(Optional.empty(), Optional.of(Path.of("/usr/bin/nasm")), false);

        var result = QemuAvailable.decide(tools);

        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).contains("conformance: qemu-system-i386 not found; "
                + "install with: apt-get install qemu-system-x86 nasm");
    }

    @Test
    void decide_toolsMissingAndRequired_fails() {
        var tools = new ConformanceTools(Optional.empty(), Optional.empty(), true);

        assertThatThrownBy(() -> QemuAvailable.decide(tools))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("conformance: qemu-system-i386 and nasm not found; install with: apt-get install"
                        + " qemu-system-x86 nasm")
                .hasMessageContaining("required here");
    }

    @Test
    void find_executableInALaterDirectory_isFound(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path nasm = Files.createFile(bin.resolve("nasm"));
        assertThat(nasm.toFile().setExecutable(true)).isTrue();
        Files.createFile(bin.resolve("qemu-system-i386")); // not executable: not a tool

        assertThat(ConformanceTools.find(List.of(empty, bin), "nasm")).contains(nasm);
        assertThat(ConformanceTools.find(List.of(empty, bin), "qemu-system-i386")).isEmpty();
    }
}
