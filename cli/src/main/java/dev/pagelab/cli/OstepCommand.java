package dev.pagelab.cli;

import dev.pagelab.ostep.Ostep;
import dev.pagelab.ostep.OstepEnvironment;
import dev.pagelab.ostep.OstepQuirk;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code pagelab ostep MODE [THE SCRIPT'S OPTIONS]}: OSTEP's memory homework simulators with the
 * scripts' own option syntax ({@code optparse}: {@code -n10}, {@code --seed=0}, abbreviated long
 * options, clusters), so every argument after the mode goes to {@link Ostep#run} untouched:
 * picocli stops at the mode's name ({@link #configure}).
 */
@Command(name = "ostep",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "OSTEP's memory homework simulators: same flags, same output, faster.",
        description = {
            "The four memory simulators of Operating Systems: Three Easy Pieces (the Python scripts of"
                    + " remzi-arpacidusseau/ostep-homework), with the scripts' options, defaults, random numbers"
                    + " (CPython's Mersenne Twister, bit for bit), output character for character with and without"
                    + " -c, and errors. 'pagelab ostep MODE --help' prints the script's own option list and the"
                    + " script version the mode follows.",
            "",
            "--pagelab opens the same problem in pagelab's own engine: paging-policy's references in pagelab"
                    + " replay, the translation problems as x86 page walks printed as 'pagelab explain' prints them.",
            "",
            "The scripts' surprises (a CLOCK that probes at random, OPT's ties, malloc's alignment and"
                    + " returned values, ...) are kept; 'pagelab ostep quirks' lists them.",
            ""},
        subcommands = {OstepCommand.PagingPolicy.class, OstepCommand.Malloc.class,
            OstepCommand.MultilevelTranslate.class, OstepCommand.LinearTranslate.class, OstepCommand.Quirks.class},
        footer = {"", "Examples:",
            "  pagelab ostep paging-policy -s 0 -n 10 -p LRU -c",
            "  pagelab ostep paging-policy --addresses=0,1,2,0,1,3,0,3,1,2,1 --policy=OPT -c",
            "  pagelab ostep paging-policy -s 0 -n 10 -p LRU --pagelab",
            "  pagelab ostep malloc -S 100 -b 1000 -H 4 -a 4 -l ADDRSORT -p BEST -n 5 -c",
            "  pagelab ostep paging-multilevel-translate -s 0 -c",
            "  pagelab ostep paging-multilevel-translate -s 0 -n 3 --pagelab",
            "  pagelab ostep paging-linear-translate -P 1k -a 16k -p 32k -v -c"})
final class OstepCommand implements Runnable {
    /** Where picocli's end-of-options marker would be: never a real argument, so {@code --} reaches the script. */
    private static final String NO_END_OF_OPTIONS = "\u0000pagelab-ostep-no-delimiter";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Makes the modes take their arguments raw: no inherited {@code -h}/{@code -V}, no option of
     * their own, everything from the first argument on collected in order (including {@code --}
     * and {@code @name}, which the scripts treat as plain arguments).
     *
     * @param args the whole command line: {@code @file} expansion is turned off when it runs a mode
     */
    static void configure(CommandLine root, String[] args) {
        CommandLine ostep = root.getSubcommands().get("ostep");
        for (CommandLine leaf : ostep.getSubcommands().values()) {
            if (!(leaf.getCommand() instanceof Mode)) {
                continue;
            }
            CommandLine.Model.CommandSpec spec = leaf.getCommandSpec();
            for (CommandLine.Model.OptionSpec option : new ArrayList<>(spec.options())) {
                spec.remove(option);
            }
            spec.parser().stopAtUnmatched(true).unmatchedArgumentsAllowed(true)
                    .endOfOptionsDelimiter(NO_END_OF_OPTIONS);
        }
        if (args.length >= 2 && args[0].equals("ostep")) {
            root.setExpandAtFiles(false);
        }
    }

    /** A mode: every argument goes to the script's parser. */
    abstract static class Mode implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            // The subcommand's name is the mode's name.
            return Ostep.run(spec.name(), args, OstepEnvironment.current(), out, err);
        }
    }

    @Command(name = "paging-policy",
            header = "paging-policy.py: page references through a cache under FIFO, LRU, OPT, RAND, CLOCK...",
            description = {"Every argument goes to the script's own options ('pagelab ostep paging-policy --help'"
                    + " lists them). --pagelab replays the same references in pagelab replay's engine and compares"
                    + " the counts."})
    static final class PagingPolicy extends Mode {
    }

    @Command(name = "malloc",
            header = "malloc.py: a free list under BEST, WORST or FIRST fit, with headers, alignment, coalescing.",
            description = {"Every argument goes to the script's own options ('pagelab ostep malloc --help' lists"
                    + " them)."})
    static final class Malloc extends Mode {
    }

    @Command(name = "paging-multilevel-translate",
            header = "paging-multilevel-translate.py: a two-level page table in 4 KiB of 32-byte pages.",
            description = {"Every argument goes to the script's own options ('pagelab ostep"
                    + " paging-multilevel-translate --help' lists them). --pagelab walks each address on pagelab's"
                    + " x86 MMU."})
    static final class MultilevelTranslate extends Mode {
    }

    @Command(name = "paging-linear-translate",
            header = "paging-linear-translate.py: a linear page table and addresses to translate.",
            description = {"Every argument goes to the script's own options ('pagelab ostep paging-linear-translate"
                    + " --help' lists them). --pagelab walks each address through x86 tables (4 KiB pages)."})
    static final class LinearTranslate extends Mode {
    }

    /** {@code pagelab ostep quirks}: the scripts' surprises the compatible mode keeps. */
    @Command(name = "quirks",
            mixinStandardHelpOptions = true,
            header = "List the scripts' behaviours the compatible mode keeps on purpose.",
            description = {"Each is part of the script's answers, so the compatible mode reproduces it; none of"
                    + " them is a default of pagelab's own policies or allocators."})
    static final class Quirks implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String mode = "";
            for (OstepQuirk q : OstepQuirk.values()) {
                if (!q.mode().equals(mode)) {
                    mode = q.mode();
                    out.println(mode + " (" + Ostep.scriptPath(mode) + "):");
                }
                out.println(wrap("  " + q.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ":", q.text(),
                        80, "      "));
            }
            out.flush();
            return 0;
        }

        /** {@code first} and the words of {@code text}, wrapped at {@code width}; later lines start with {@code indent}. */
        static String wrap(String first, String text, int width, String indent) {
            StringBuilder out = new StringBuilder();
            StringBuilder line = new StringBuilder(first);
            for (String word : text.split(" +")) {
                if (line.length() + 1 + word.length() > width && !line.toString().isBlank()) {
                    out.append(line).append('\n');
                    line.setLength(0);
                    line.append(indent).append(word);
                } else {
                    line.append(' ').append(word);
                }
            }
            return out.append(line).toString();
        }
    }
}
