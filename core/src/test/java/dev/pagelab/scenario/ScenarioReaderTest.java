package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading and checking scenario files: every problem is found before anything runs, with its line. */
class ScenarioReaderTest {
    static Scenario parse(String yaml) {
        return ScenarioReader.parse("t.yaml", yaml, null);
    }

    /** The exception for {@code yaml}, whose message must start with {@code t.yaml:line:column: }. */
    static ScenarioException problem(String yaml, int line, int column) {
        try {
            parse(yaml);
        } catch (ScenarioException e) {
            assertThat(e.getMessage()).startsWith("t.yaml:" + line + ":" + column + ": ");
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isEqualTo(column);
            assertThat(e.source()).isEqualTo("t.yaml");
            return e;
        }
        throw new AssertionError("no ScenarioException for:\n" + yaml);
    }

    // ---------------------------------------------------------------- what is read

    @Test
    void parse_onlySteps_defaultsToTheSeedsKernelOn16M() {
        Scenario s = parse("steps: [check]");

        assertThat(s.machine()).isEqualTo(new MachineSource.Builtin("qemu-pc-16M"));
        assertThat(s.config()).isEqualTo(KernelConfig.DEFAULT);
        assertThat(s.onError()).isEqualTo(OnError.STOP);
        assertThat(s.trace()).isFalse();
        assertThat(s.title()).isNull();
        assertThat(s.steps()).singleElement().satisfies(step -> {
            assertThat(step.op()).isEqualTo(new Op.Check());
            assertThat(step.line()).isEqualTo(1);
            assertThat(step.number()).isEqualTo(1);
        });
    }

    @Test
    void parse_everyTopKey_isRead() {
        Scenario s = parse("""
                title: T
                description: |
                  two
                  lines
                machine: QEMU-PC-128M
                kernel:
                  allocator: buddy
                  table-access: recursive
                  large-pages: true
                  tlb: {entries: 32, ways: 2}
                on-error: continue
                trace: true
                steps:
                  - check
                """);

        assertThat(s.title()).isEqualTo("T");
        assertThat(s.description()).isEqualTo("two\nlines\n");
        assertThat(s.machine()).isEqualTo(new MachineSource.Builtin("qemu-pc-128M"));
        assertThat(s.config()).isEqualTo(new KernelConfig("buddy", TableAccessStrategy.RECURSIVE, true,
                new TlbConfig(32, 2, 8)));
        assertThat(s.onError()).isEqualTo(OnError.CONTINUE);
        assertThat(s.trace()).isTrue();
    }

    @Test
    void parse_tlbOff_isTheTlbOff() {
        assertThat(parse("kernel: {tlb: off}\nsteps: [check]").config().tlb()).isEqualTo(TlbConfig.OFF);
    }

    @Test
    void parse_everyStep_scalarAndMappingForms() {
        Scenario s = parse("""
                steps:
                  - allocFrame:
                    as: f
                  - allocFrame: kernel-data
                  - mapPage: {vaddr: 0x0040_0000, frame: $f, writable: false, user: true}
                  - unmapPage: 4M
                    as: g
                  - freeFrame: $g
                  - kmmap: 3K
                    as: buf
                  - kunmap: {vaddr: $buf}
                  - kmalloc: 100
                    as: a
                  - kcalloc: {count: 4, size: 16}
                  - krealloc: {vaddr: $a, bytes: 200}
                  - kmallocAligned: {bytes: 64, alignment: 4K}
                  - kfree: $a+0x10
                  - updateFlags: {vaddr: 0x400000, user: true}
                  - getFrameAddr: 0xC0100000
                  - read: $buf-4
                  - read: {vaddr: 0x400000, size: 1, user: true}
                    as: byte
                  - read: {vaddr: 0x400000, length: 5}
                  - write: {vaddr: 0x400000, value: $byte, size: 2}
                  - write: {vaddr: 0x400000, string: hi, user: true}
                  - explain: 0xC03FF000
                  - invlpg: 0x400000
                  - skipInvlpg: true
                  - snapshot
                  - snapshot: after
                  - snapshot: {show: [frames, mmu], bitmap-from: 0x1000, bitmap-pages: 8}
                  - check
                """);

        List<Op> ops = s.steps().stream().map(Step::op).toList();
        assertThat(ops.stream().map(Op::name).distinct().toList()).hasSize(ScenarioReader.STEP_NAMES.size());
        assertThat(ops.get(0)).isEqualTo(new Op.AllocFrame(FrameOwner.ALLOCATED));
        assertThat(ops.get(1)).isEqualTo(new Op.AllocFrame(FrameOwner.KERNEL_DATA));
        assertThat(ops.get(2)).isEqualTo(new Op.MapPage(new Value("0x0040_0000", null, 0x40_0000),
                new Value("$f", "f", 0), false, true));
        assertThat(((Op.UnmapPage) ops.get(3)).vaddr().number()).isEqualTo(4L << 20);
        assertThat(((Op.Kmmap) ops.get(5)).bytes().number()).isEqualTo(3072);
        assertThat(((Op.Kfree) ops.get(11)).vaddr()).isEqualTo(new Value("$a+0x10", "a", 16));
        assertThat(ops.get(12)).isEqualTo(new Op.UpdateFlags(new Value("0x400000", null, 0x400000), true, true));
        assertThat(((Op.Read) ops.get(14)).vaddr()).isEqualTo(new Value("$buf-4", "buf", -4));
        assertThat(ops.get(15)).isEqualTo(new Op.Read(new Value("0x400000", null, 0x400000), 1, 0, true));
        assertThat(((Op.Read) ops.get(16)).length()).isEqualTo(5);
        assertThat(((Op.Write) ops.get(17)).size()).isEqualTo(2);
        assertThat(((Op.Write) ops.get(18)).string()).isEqualTo("hi");
        assertThat(ops.get(21)).isEqualTo(new Op.SkipInvlpg(true));
        assertThat(((Op.Snapshot) ops.get(22)).parts()).isEqualTo(EnumSet.allOf(Op.Snapshot.Part.class));
        assertThat(((Op.Snapshot) ops.get(23)).label()).isEqualTo("after");
        assertThat(ops.get(24)).isEqualTo(new Op.Snapshot(null, EnumSet.of(Op.Snapshot.Part.FRAMES,
                Op.Snapshot.Part.MMU), new Value("0x1000", null, 0x1000), 8));
        assertThat(s.steps().get(0).text()).isEqualTo("allocFrame as f");
        assertThat(s.steps().get(2).text()).isEqualTo("mapPage 0x0040_0000 frame $f read-only user");
        assertThat(s.steps().get(2).line()).isEqualTo(5);
    }

    @Test
    void parse_expect_everyKindOfValue() {
        Step step = parse("""
                steps:
                  - allocFrame:
                    as: f
                  - read: 0x400000
                    expect: {value: $f+1, fault: 0x5, tlb: miss, fails: page-fault, frames-taken: 0}
                    trace: true
                    note: why
                """).steps().get(1);

        assertThat(step.expect()).containsExactly(
                new Expectation(Field.VALUE, new Value("$f+1", "f", 1), 5),
                new Expectation(Field.FAULT, new Value("0x5", null, 5), 5),
                new Expectation(Field.TLB, "miss", 5),
                new Expectation(Field.FAILS, Failure.Kind.PAGE_FAULT, 5),
                new Expectation(Field.FRAMES_TAKEN, new Value("0", null, 0), 5));
        assertThat(step.expectsFailure()).isTrue();
        assertThat(step.trace()).isTrue();
        assertThat(step.note()).isEqualTo("why");
    }

    @ParameterizedTest
    @CsvSource({"4096, 4096", "4K, 4096", "4k, 4096", "16M, 16777216", "1G, 1073741824", "0xC1000000, 3238002688",
        "0XFF, 255", "1_000, 1000", "0xC100_0000, 3238002688"})
    void parseNumber_sizesAndHex(String text, long expected) {
        assertThat(ScenarioReader.parseNumber(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"abc", "0x", "4KB", "-1", "1.5", "0xG", "99999999999999999999", "''"})
    void parseNumber_notANumber_isMinusOne(String text) {
        assertThat(ScenarioReader.parseNumber(text)).isEqualTo(-1);
    }

    // ---------------------------------------------------------------- what is refused, and where

    @Test
    void parse_yamlSyntaxError_namesLineAndColumn() {
        ScenarioException e = problem("steps:\n  - kmalloc: [1, 2\n", 3, 1);
        assertThat(e.problem()).startsWith("not valid YAML");
    }

    @Test
    void parse_tabIndentation_isAYamlError() {
        assertThat(problem("steps:\n\t- check\n", 2, 1).problem()).contains("not valid YAML");
    }

    @Test
    void parse_emptyFile_saysWhatIsExpected() {
        assertThatThrownBy(() -> parse("# nothing\n")).isInstanceOf(ScenarioException.class)
                .hasMessage("t.yaml: the file is empty: expected a mapping with at least 'steps:'");
    }

    @Test
    void parse_unknownTopKey_suggestsTheKnownOne() {
        assertThat(problem("machine: qemu-pc-16M\nstep:\n  - check\n", 2, 1).problem())
                .isEqualTo("unknown scenario key 'step' (did you mean 'steps'?); expected one of: title, description,"
                        + " machine, e820, kernel, on-error, trace, steps");
    }

    @Test
    void parse_noSteps_says() {
        assertThat(problem("machine: qemu-pc-16M\n", 1, 1).problem()).contains("no 'steps:'");
        assertThat(problem("steps: []\n", 1, 8).problem()).contains("at least one step");
        assertThat(problem("steps: check\n", 1, 8).problem()).contains("must be a list");
    }

    @Test
    void parse_unknownStep_suggestsTheClosest() {
        ScenarioException e = problem("steps:\n  - allocFrame\n  - kmallok: 10\n", 3, 5);
        assertThat(e.problem()).startsWith("unknown step 'kmallok' (did you mean 'kmalloc'?); expected one of: kmalloc,");
        assertThat(problem("steps:\n  - allocframe\n", 2, 5).problem()).contains("did you mean 'allocFrame'?");
    }

    @Test
    void parse_argumentsBesideTheStep_explainIndentation() {
        ScenarioException e = problem("steps:\n  - mapPage:\n    vaddr: 0x400000\n    frame: 5\n", 3, 5);
        assertThat(e.problem()).contains("unknown key 'vaddr' beside step 'mapPage'", "its own arguments go under it");
    }

    @Test
    void parse_twoStepsInOneItem_saysStartEachWithADash() {
        assertThat(problem("steps:\n  - check:\n    allocFrame:\n", 3, 5).problem())
                .contains("'check' and 'allocFrame' are two steps in one list item");
    }

    @Test
    void parse_missingArgument_showsBothForms() {
        assertThat(problem("steps:\n  - kmalloc:\n", 2, 5).problem())
                .isEqualTo("kmalloc needs 'bytes': write it as kmalloc: VALUE or kmalloc: {bytes: ...}");
        assertThat(problem("steps:\n  - mapPage: 0x400000\n", 2, 5).problem())
                .isEqualTo("mapPage needs 'frame': write it as mapPage: {frame: ...}");
    }

    @Test
    void parse_unknownArgument_listsTheKnownOnes() {
        assertThat(problem("steps:\n  - mapPage: {vaddr: 0x400000, frame: 5, usr: true}\n", 2, 42).problem())
                .isEqualTo("unknown mapPage argument 'usr' (did you mean 'user'?); expected one of: vaddr, frame,"
                        + " writable, user");
        assertThat(problem("steps:\n  - check: now\n", 2, 12).problem()).isEqualTo("check takes no arguments, got 'now'");
    }

    @Test
    void parse_wrongTypes_sayWhatWasExpected() {
        assertThat(problem("steps:\n  - kmalloc: lots\n", 2, 14).problem())
                .isEqualTo("bytes: expected a number such as 4096, 4K or 0xC1000000, got 'lots'");
        assertThat(problem("steps:\n  - kfree: [1]\n", 2, 12).problem())
                .isEqualTo("kfree: expected its argument or a mapping of arguments, got a list");
        assertThat(problem("steps:\n  - skipInvlpg: maybe\n", 2, 17).problem())
                .isEqualTo("skip: expected true or false, got 'maybe'");
        assertThat(problem("trace: 1\nsteps: [check]\n", 1, 8).problem()).isEqualTo("trace: expected true or false, got '1'");
        assertThat(problem("steps:\n  - read: {vaddr: 0x400000, size: 3}\n", 2, 35).problem())
                .isEqualTo("size: expected 1, 2 or 4 bytes, got 3");
    }

    @Test
    void parse_outOfRange_namesTheLimit() {
        assertThat(problem("steps:\n  - read: 0x1_0000_0000\n", 2, 11).problem())
                .isEqualTo("vaddr: 0x1_0000_0000 is past 0xFFFFFFFF, the largest virtual address of a 32-bit machine");
        assertThat(problem("steps:\n  - freeFrame: 0x100000\n", 2, 16).problem()).contains("past 0x000FFFFF");
        assertThat(problem("steps:\n  - write: {vaddr: 0x400000, value: 256, size: 1}\n", 2, 37).problem())
                .isEqualTo("value: 256 does not fit in 1 byte");
    }

    @Test
    void parse_nameNotYetDefined_isRefused() {
        assertThat(problem("steps:\n  - kfree: $a\n  - kmalloc: 1\n    as: a\n", 2, 12).problem())
                .isEqualTo("vaddr: $a is not named by an earlier step (no step before has 'as:')");
        assertThat(problem("steps:\n  - kmalloc: 1\n    as: b\n  - kfree: $a\n", 4, 12).problem())
                .isEqualTo("vaddr: $a is not named by an earlier step (names so far: b)");
    }

    @Test
    void parse_nameOfTheWrongKind_isRefused() {
        assertThat(problem("steps:\n  - allocFrame:\n    as: f\n  - kfree: $f\n", 4, 12).problem())
                .isEqualTo("vaddr: $f is a frame number (from allocFrame, step 1 at line 2); vaddr wants a virtual address");
    }

    @Test
    void parse_badNames_areRefused() {
        assertThat(problem("steps:\n  - check:\n    as: x\n", 3, 9).problem()).isEqualTo("as: check gives no number to name");
        assertThat(problem("steps:\n  - allocFrame:\n    as: 1st\n", 3, 9).problem()).startsWith("as: '1st' is not a name");
        assertThat(problem("steps:\n  - allocFrame:\n    as: f\n  - allocFrame:\n    as: f\n", 5, 9).problem())
                .isEqualTo("as: the name 'f' is already given by step 1 (line 2)");
        assertThat(problem("steps:\n  - read: {vaddr: 0x1000, length: 4}\n    as: s\n", 3, 9).problem())
                .isEqualTo("as: read gives no number to name");
        assertThat(problem("steps:\n  - kfree: $ a\n", 2, 12).problem()).contains("is not a reference");
    }

    @Test
    void parse_duplicateKey_namesTheFirst() {
        assertThat(problem("steps: [check]\nsteps: [check]\n", 2, 1).problem())
                .isEqualTo("'steps' is given twice in this mapping (first at line 1)");
    }

    @Test
    void parse_unknownMachineAllocatorStrategy_listTheKnownOnes() {
        assertThat(problem("machine: pdp-11\nsteps: [check]\n", 1, 10).problem()).startsWith("unknown machine 'pdp-11'")
                .contains("qemu-pc-16M");
        assertThat(problem("kernel:\n  allocator: slab\nsteps: [check]\n", 2, 14).problem())
                .startsWith("unknown frame allocator 'slab'").contains("buddy");
        assertThat(problem("kernel:\n  table-access: magic\nsteps: [check]\n", 2, 17).problem())
                .startsWith("unknown page-table access strategy 'magic'");
        assertThat(problem("kernel:\n  tlb: {entries: 48, ways: 5}\nsteps: [check]\n", 2, 8).problem()).contains("48");
        assertThat(problem("kernel:\n  paging: on\nsteps: [check]\n", 2, 3).problem()).startsWith("unknown kernel key");
        assertThat(problem("on-error: panic\nsteps: [check]\n", 1, 11).problem())
                .isEqualTo("on-error: expected stop or continue, got 'panic'");
    }

    @Test
    void parse_expectations_areCheckedAgainstTheStep() {
        assertThat(problem("steps:\n  - check:\n    expect: {value: 1}\n", 3, 14).problem())
                .startsWith("unknown check result 'value'; expected one of: fails, frames-taken");
        assertThat(problem("steps:\n  - read: 0x1000\n    expect: {fails: crash}\n", 3, 21).problem())
                .startsWith("unknown failure kind 'crash'; expected one of: true, false, out-of-memory");
        assertThat(problem("steps:\n  - read: 0x1000\n    expect: {tlb: hot}\n", 3, 19).problem())
                .startsWith("unknown tlb outcome 'hot' (did you mean 'hit'?)");
        assertThat(problem("steps:\n  - read: 0x1000\n    expect: 5\n", 3, 13).problem())
                .startsWith("expect: expected a mapping");
    }

    @Test
    void parse_writeNeedsOneOfValueAndString() {
        assertThat(problem("steps:\n  - write: 0x1000\n", 2, 5).problem())
                .isEqualTo("write: give value: (a number) or string: (text), one of the two");
        assertThat(problem("steps:\n  - write: {vaddr: 0x1000, value: 1, string: x}\n", 2, 46).problem())
                .isEqualTo("write: give value: (a number) or string: (text), one of the two");
        assertThat(problem("steps:\n  - read: {vaddr: 0x1000, size: 1, length: 2}\n", 2, 44).problem())
                .contains("not both");
    }

    @Test
    void parse_machineAndE820_oneOrTheOther() {
        assertThat(problem("machine: qemu-pc-16M\ne820: map.txt\nsteps: [check]\n", 2, 1).problem())
                .isEqualTo("give one machine source, 'machine:' or 'e820:', not both");
        assertThat(problem("e820: map.txt\nsteps: [check]\n", 1, 7).problem())
                .contains("needs a scenario file on disk");
    }

    @Test
    void read_e820BesideTheFile_isReadBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("map.txt"), """
                [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x0000000001ffffff] usable
                """);
        Files.writeString(dir.resolve("s.yaml"), "e820: map.txt\nsteps: [check]\n");

        Scenario s = ScenarioReader.read(dir.resolve("s.yaml"));

        assertThat(s.machine()).isInstanceOfSatisfying(MachineSource.E820.class,
                m -> assertThat(m.regions()).hasSize(2));
        assertThat(ScenarioRunner.run(s).succeeded()).isTrue();
    }

    @Test
    void read_badE820Line_namesBothFilesAndLines(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("map.txt"), "BIOS-e820: [mem 0x0-]\n");
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, "title: x\ne820: map.txt\nsteps: [check]\n");

        assertThatThrownBy(() -> ScenarioReader.read(file)).isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith(file + ":2:7: e820: map.txt:1: expected 'BIOS-e820:");
    }

    /** Found by fuzzing (the input is in the fuzz corpus): an owner that is no owner at all was a NullPointerException. */
    @Test
    void parse_allocFrameOwnerThatIsNoOwner_isAScenarioException() {
        assertThat(problem("steps:\n  - allocFrame: {owner: bogus}\n", 2, 25).problem())
                .startsWith("unknown frame owner 'bogus'");
    }

    /** Found by fuzzing (the input is in the fuzz corpus): the YAML library threw IllegalArgumentException for this tag. */
    @Test
    void parse_tagTheYamlLibraryRefuses_isAScenarioException() {
        assertThatThrownBy(() -> parse("!1%1a")).isInstanceOf(ScenarioException.class)
                .hasMessage("t.yaml: not valid YAML: Tag must not contain leading or trailing spaces.");
    }

    /** Found by reading the e820 path (the fuzz corpus holds the file): a NUL escaped as InvalidPathException. */
    @Test
    void read_e820PathWithNul_isAScenarioExceptionAtThePath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, "e820: \"map\\0.txt\"\nsteps: [check]\n");

        assertThatThrownBy(() -> ScenarioReader.read(file)).isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith(file + ":1:7: e820: 'map\0.txt' is not a file name here (Nul character not allowed)");
    }

    @Test
    void read_missingFile_saysItCannotBeRead(@TempDir Path dir) {
        assertThatThrownBy(() -> ScenarioReader.read(dir.resolve("nope.yaml"))).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("nope.yaml: cannot be read");
    }
}
