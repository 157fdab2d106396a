package dev.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help texts: readable at 80 columns, reachable at any depth, and saying what is true. */
class HelpTextTest {
    static Stream<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Main()), all);
        return all.stream();
    }

    private static void collect(CommandLine command, List<CommandLine> out) {
        out.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, out));
    }

    /**
     * picocli wraps each element of a description or footer at the screen's width but never joins
     * two: an element meant as one line of a paragraph that is longer than the width ends in a
     * line of one or two words. So a long element must be a paragraph of its own.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void help_longTextElements_areWholeParagraphs(CommandLine command) {
        CommandLine.Model.UsageMessageSpec usage = command.getCommandSpec().usageMessage();
        for (String[] block : List.of(usage.description(), usage.footer(), usage.header())) {
            for (int i = 0; i < block.length; i++) {
                if (block[i].length() <= 80) {
                    continue;
                }
                boolean alone = (i == 0 || block[i - 1].isBlank()) && (i == block.length - 1 || block[i + 1].isBlank());
                assertThat(alone).as("%s: '%s' is longer than 80 characters and part of a paragraph of several"
                        + " elements: make the paragraph one element", command.getCommandName(), block[i]).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void help_at80Columns_noLineIsWider(CommandLine command) {
        command.setUsageHelpWidth(80);
        StringWriter text = new StringWriter();
        command.usage(new PrintWriter(text));

        assertThat(text.toString().lines()).allSatisfy(line -> assertThat(line.length())
                .as("%s: '%s'", command.getCommandName(), line).isLessThanOrEqualTo(80));
    }

    @Test
    void help_nestedCommand_printsThatCommandsHelp() {
        CliRun run = CliRun.of("help", "bench", "frames");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("Usage: pagelab bench frames", "--churn-steps").doesNotContain("Commands:");
        assertThat(CliRun.of("help", "boot").out()).contains("Usage: pagelab boot");
        assertThat(CliRun.of("help").out()).contains("Usage: pagelab [-hV] [COMMAND]");
    }

    @Test
    void help_unknownNestedCommand_namesWhatExists() {
        CliRun run = CliRun.of("help", "bench", "frobs");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown subcommand 'bench frobs'", "translate, frames, paging, heap");
    }

    @Test
    void benchPagingHelp_listsOnlyAllocatorsThatCanFree() {
        String help = CliRun.of("bench", "paging", "--help").out();

        assertThat(help.replaceAll("\\s+", " ")).contains("one that can free: bitmap, free-list, buddy (default")
                .doesNotContain("bump");
    }

    @Test
    void largePagesHelp_saysWhereItApplies() {
        assertThat(CliRun.of("boot", "--help").out().replaceAll("\\s+", " "))
                .contains("--large-pages Set CR4.PSE and map the kernel half with 4 MiB pages; with --table-access"
                        + " recursive or direct-map only");
        assertThat(CliRun.of("run", "--help").out().replaceAll("\\s+", " "))
                .contains("with recursive or direct-map only");
    }

    @Test
    void boot_largePagesWithTheDefaultTableAccess_saysItMapsNoLargePage() {
        CliRun run = CliRun.of("boot", "--machine", "qemu-pc-16M", "--large-pages", "--color", "never");

        assertThat(run.out()).contains("CR4.PSE set", "0 of 4 MiB", "no 4 MiB page: temporary-mapping keeps PDE 768 a"
                + " page table");
        assertThat(CliRun.of("boot", "--machine", "qemu-pc-16M", "--large-pages", "--table-access", "recursive").out())
                .contains("1 of 4 MiB").doesNotContain("no 4 MiB page");
    }

    @Test
    void explain_listMachines_asItsHelpSays() {
        assertThat(CliRun.of("explain", "--help").out()).contains("--list-machines");

        CliRun run = CliRun.of("explain", "--list-machines");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("qemu-pc-16M", "qemu-q35-3G");
    }

    /** The examples a command's help shows: the footer's lines that start with "pagelab COMMAND". */
    private static List<String[]> examples(String command) {
        CliRun help = CliRun.of(command, "--help");
        List<String[]> out = new ArrayList<>();
        for (String line : help.out().lines().toList()) {
            String t = line.strip();
            if (t.startsWith("pagelab " + command + " ")) {
                String args = t.replaceFirst("\\s{2,}\\(.*$", "").substring("pagelab ".length());
                out.add(args.split("\\s+"));
            }
        }
        return out;
    }

    @Test
    void runHelp_everyExampleWithAFileThatExists_runsAsItSays() {
        List<String[]> examples = examples("run");
        int ran = 0;
        for (String[] args : examples) {
            // The examples name files from the repository's root; tests run in cli/.
            String[] here = Arrays.stream(args).map(a -> a.startsWith("examples/") ? "../" + a : a).toArray(String[]::new);
            if (!Files.exists(Path.of(here[1]))) {
                continue;
            }
            CliRun run = CliRun.of(here);
            assertThat(run.status()).as("pagelab %s: %s", String.join(" ", args), run.out() + run.err()).isZero();
            ran++;
        }
        assertThat(ran).as("examples run").isGreaterThanOrEqualTo(4);
    }

    @Test
    void explainHelp_everyExample_runs() {
        List<String[]> examples = examples("explain");
        for (String[] args : examples) {
            CliRun run = CliRun.of(args);
            assertThat(run.status()).as("pagelab %s: %s", String.join(" ", args), run.err()).isZero();
        }
        assertThat(examples).hasSizeGreaterThanOrEqualTo(5);
    }
}
