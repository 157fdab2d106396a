package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.proc.ProcessConfig;
import dev.pagelab.proc.Region;
import dev.pagelab.replace.PolicyConfig;
import dev.pagelab.replay.AllocationMode;
import dev.pagelab.replay.Scope;
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
                  global-pages: true
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
                new TlbConfig(32, 2, 8), true));
        assertThat(s.onError()).isEqualTo(OnError.CONTINUE);
        assertThat(s.trace()).isTrue();
    }

    @Test
    void parse_globalPagesLeftOut_isOff() {
        assertThat(parse("kernel: {allocator: buddy}\nsteps: [check]").config().globalKernelPages()).isFalse();
    }

    @Test
    void parse_tlbOff_isTheTlbOff() {
        assertThat(parse("kernel: {tlb: off}\nsteps: [check]").config().tlb()).isEqualTo(TlbConfig.OFF);
    }

    @Test
    void parse_everyStep_scalarAndMappingForms() {
        Scenario s = parse("""
                processes: {frames: 8}
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
                  - spawn: a
                  - spawn: {name: b, priority: 2, size: 10, regions: {code: 1, heap: {pages: 4}, ro: {pages: 2, writable: false}}}
                  - switch: a
                  - access: {process: a, vaddr: 0x2000, write: true}
                  - read: {process: b, vaddr: 0x2000}
                  - write: {process: b, vaddr: 0x2000, value: 0xFF}
                  - explain: {vaddr: 0x2000, process: a}
                  - tick
                  - ps
                  - ps: b
                  - exit: a
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
        assertThat(ops.get(15)).isEqualTo(new Op.Read(new Value("0x400000", null, 0x400000), 1, 0, true, null));
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
        assertThat(s.steps().get(2).line()).isEqualTo(6);
        assertThat(ops.get(26)).isEqualTo(new Op.Spawn("a", 1, -1, ProcessSteps.DEFAULT_REGIONS));
        assertThat(ops.get(27)).isEqualTo(new Op.Spawn("b", 2, 10, List.of(Region.Spec.code(1), Region.Spec.heap(4),
                new Region.Spec("ro", 2, false))));
        assertThat(ops.get(28)).isEqualTo(new Op.Switch("a"));
        assertThat(ops.get(29)).isEqualTo(new Op.Access("a", new Value("0x2000", null, 0x2000), true));
        assertThat(ops.get(30)).isEqualTo(new Op.Read(new Value("0x2000", null, 0x2000), 1, 0, false, "b"));
        assertThat(ops.get(31)).isEqualTo(new Op.Write(new Value("0x2000", null, 0x2000), new Value("0xFF", null, 0xFF),
                1, null, false, "b"));
        assertThat(ops.get(32)).isEqualTo(new Op.Explain(new Value("0x2000", null, 0x2000), "a"));
        assertThat(ops.get(34)).isEqualTo(new Op.Ps(null));
        assertThat(ops.get(36)).isEqualTo(new Op.Exit("a"));
        assertThat(s.processes().config().frames()).isEqualTo(8);
        assertThat(s.steps().get(27).text()).isEqualTo("spawn b (code 1 ro, heap 4 rw, ro 2 ro, priority 2, size 10)");
        assertThat(s.steps().get(29).text()).isEqualTo("access 0x2000 (write) in a");
        assertThat(s.steps().get(19).text()).as("the kernel's explain reads as before").isEqualTo("explain 0xC03FF000");
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
                        + " machine, e820, kernel, processes, on-error, trace, steps");
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

    // ---------------------------------------------------------------- processes

    @Test
    void parse_processesBlock_everyKeyRead() {
        Scenario s = parse("""
                processes:
                  policy: nru
                  scope: global
                  allocation: proportional
                  frames: 12
                  min-frames: 3
                  swap-slots: 0x40
                  io-cost: 250us
                  skip-invlpg: true
                  seed: 7
                  clock-load-bit: 0
                  tick: 50
                  aging-bits: 4
                  tau: 9
                  window: 11
                  pff-tau: 13
                steps: [tick]
                """);

        ProcessConfig c = s.processes().config();
        assertThat(c).isEqualTo(ProcessConfig.DEFAULT.withPolicy("nru").withScope(Scope.GLOBAL)
                .withAllocation(AllocationMode.PROPORTIONAL).withFrames(12).withMinimumFrames(3).withSwap(64, 250_000)
                .withSkipInvlpg(true).withPolicyConfig(PolicyConfig.DEFAULTS.withSeed(7).withClockLoadBit(0)
                        .withTickInterval(50).withAgingBits(4).withTau(9).withWindow(11).withPffTau(13)));
        assertThat(s.processes().referenceHook()).isFalse();
        assertThat(s.processes().line()).isEqualTo(1);
        assertThat(s.processes().describe()).isEqualTo("nru (hardware bits: A and D), global scope, one pool of 12"
                + " frames, swap 64 slots, 250 us a transfer, INVLPG skipped when A is cleared (the lesson switch)");
        assertThat(parse("processes: {frames: 12, min-frames: 3}\nsteps: [tick]\n").processes().describe())
                .isEqualTo("clock (hardware bits: A and D), local scope, equal allocation of 12 frames (at least 3 a"
                        + " process), swap 4096 slots, 8 ms a transfer");
    }

    @Test
    void parse_processesPolicies_optRefusedLruMarked() {
        assertThat(problem("processes: {policy: opt}\nsteps: [tick]\n", 1, 21).problem())
                .startsWith("policy: opt needs the future");
        assertThat(problem("processes: {policy: clok}\nsteps: [tick]\n", 1, 21).problem())
                .startsWith("unknown replacement policy 'clok' (did you mean 'clock'?)");
        ProcessSetup lru = parse("processes: {policy: lru}\nsteps: [tick]\n").processes();
        assertThat(lru.referenceHook()).isTrue();
        assertThat(lru.describe()).startsWith("lru (" + ProcessSetup.NOT_IMPLEMENTABLE + ")");
    }

    @Test
    void parse_processesBadValues_sayWhatWasExpected() {
        assertThat(problem("processes: {scope: galactic}\nsteps: [tick]\n", 1, 20).problem())
                .startsWith("unknown scope 'galactic'; expected one of: local, global");
        assertThat(problem("processes: {frames: 0}\nsteps: [tick]\n", 1, 21).problem()).isEqualTo(
                "frames: expected 1 to 2147483647, got 0");
        assertThat(problem("processes: {io-cost: 8}\nsteps: [tick]\n", 1, 22).problem())
                .startsWith("io-cost: expected a time with its unit, such as 8ms");
        assertThat(problem("processes: {swap: 8}\nsteps: [tick]\n", 1, 13).problem())
                .startsWith("unknown processes key 'swap'");
        assertThat(parse("processes: {io-cost: 0}\nsteps: [tick]\n").processes().config().ioCostNanos()).isZero();
    }

    @Test
    void parse_processStepWithoutProcesses_saysToAddTheBlock() {
        assertThat(problem("steps:\n  - spawn: a\n", 2, 5).problem())
                .startsWith("spawn: this scenario has no 'processes:' block");
        assertThat(problem("steps:\n  - tick\n", 2, 5).problem()).startsWith("tick: this scenario has no");
        assertThat(problem("steps:\n  - read: {vaddr: 0x1000, process: a}\n", 2, 36).problem())
                .startsWith("process: this scenario has no");
    }

    @Test
    void parse_processNames_mustBeSpawnedEarlierOnce() {
        String head = "processes: {frames: 4}\nsteps:\n  - spawn: a\n";
        assertThat(problem(head + "  - exit: b\n", 4, 11).problem())
                .isEqualTo("process: no earlier step spawns a process called 'b' (spawned so far: a)");
        assertThat(problem("processes: {frames: 4}\nsteps:\n  - exit: a\n  - spawn: a\n", 3, 11).problem())
                .isEqualTo("process: no earlier step spawns a process called 'a' (no step before is a spawn)");
        assertThat(problem(head + "  - spawn: {name: a}\n", 4, 19).problem())
                .startsWith("spawn: a process called 'a' is spawned already by step 1 (line 3)");
        assertThat(problem(head + "  - spawn: none\n", 4, 12).problem()).contains("is not a process name");
        assertThat(problem(head + "  - spawn: {priority: 2}\n", 4, 5).problem()).startsWith("spawn needs 'name'");
    }

    @Test
    void parse_spawnRegions_checked() {
        String head = "processes: {frames: 4}\nsteps:\n  - spawn: {name: a, regions: ";
        assertThat(problem(head + "{}}\n", 3, 31).problem()).contains("at least one region");
        assertThat(problem(head + "{heap: 0}}\n", 3, 38).problem()).isEqualTo("heap: expected 1 to 786431 pages, got 0");
        assertThat(problem(head + "{heap: 786431, stack: 1}}\n", 3, 31).problem()).contains("786432 pages in all");
        assertThat(problem(head + "{heap: {writable: true}}}\n", 3, 38).problem()).contains("needs 'pages'");
        assertThat(problem(head + "[code]}\n", 3, 31).problem()).startsWith("regions: expected a mapping");
    }

    @Test
    void parse_accessesInAProcess_moveOneByte() {
        String head = "processes: {frames: 4}\nsteps:\n  - spawn: a\n";
        assertThat(problem(head + "  - read: {vaddr: 0x2000, process: a, size: 4}\n", 4, 45).problem())
                .isEqualTo("read in a process: one byte at a time (size 1), got size 4");
        assertThat(problem(head + "  - read: {vaddr: 0x2000, process: a, length: 4}\n", 4, 5).problem())
                .startsWith("read in a process: 'length' does not go with 'process:'");
        assertThat(problem(head + "  - write: {vaddr: 0x2000, process: a, value: 0x100}\n", 4, 47).problem())
                .contains("got value 0x100");
        assertThat(problem(head + "  - write: {vaddr: 0x2000, process: a, value: 1, user: true}\n", 4, 5).problem())
                .startsWith("write in a process: 'user' does not go with 'process:'");
    }

    @Test
    void parse_processExpectations_normalisedAndChecked() {
        Scenario s = parse("""
                processes: {frames: 4}
                steps:
                  - spawn: a
                  - read: {process: a, vaddr: 0x2010}
                    expect: {victim: a 0x3000, resident: [0x3000, 0x1000, 0x1010], hit: false, killed: read-only}
                  - read: {process: a, vaddr: 0x2010}
                    expect: {victim: none, resident: []}
                """);

        assertThat(s.steps().get(1).expect()).extracting(Expectation::expected)
                .containsExactly("a 0x00003000", "[0x00001000, 0x00003000]", false, "read-only");
        assertThat(s.steps().get(1).expectsFailure()).as("killed: asks for a kill").isTrue();
        assertThat(s.steps().get(2).expect()).extracting(Expectation::expected).containsExactly("none", "[]");
        String head = "processes: {frames: 4}\nsteps:\n  - spawn: a\n  - access: {process: a, vaddr: 0x2000}\n";
        assertThat(problem(head + "    expect: {victim: b 0x3000}\n", 5, 22).problem())
                .isEqualTo("victim: no earlier step spawns a process called 'b'");
        assertThat(problem(head + "    expect: {victim: a}\n", 5, 22).problem()).startsWith("victim: expected none");
        assertThat(problem(head + "    expect: {hit: miss}\n", 5, 19).problem()).startsWith("hit: expected true or false");
        assertThat(problem(head + "    expect: {killed: crash}\n", 5, 22).problem())
                .startsWith("unknown kill reason 'crash'; expected one of: null-pointer, kernel-page");
        assertThat(problem(head + "    expect: {resident: [page]}\n", 5, 25).problem())
                .startsWith("resident: expected page addresses");
        assertThat(problem(head + "    expect: {pte: 1}\n", 5, 14).problem()).startsWith("unknown access result 'pte'");
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
