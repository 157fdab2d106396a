package dev.pagelab.cli;

import dev.pagelab.boot.InputFiles;
import dev.pagelab.boot.Printable;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pagelab} command: one subcommand a job. */
@Command(name = "pagelab",
        scope = CommandLine.ScopeType.INHERIT,
        resourceBundle = "dev.pagelab.cli.AllocatorHelp",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        description = {
            "pagelab: the memory management of a 32-bit x86 kernel on a simulated PC.",
            "Page tables, TLB and faults are real bytes walked as an i386 walks them.",
            ""},
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            BootCommand.class,
            ExplainCommand.class,
            ReplayCommand.class,
            SweepCommand.class,
            ChartCommand.class,
            ThrashingCommand.class,
            ServeCommand.class,
            OstepCommand.class,
            BenchCommand.class,
            TraceCommand.class,
            HelpCommand.class,
        },
        footer = {"", "Run 'pagelab COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * How to give the JVM more heap, for every message that needs it: the launcher's variable,
     * and the option for those who run the jar themselves.
     */
    static final String MORE_HEAP = "PAGELAB_JAVA_OPTS=-Xmx8g ./pagelab ..., or java -Xmx8g -jar pagelab.jar ...";

    /** Runs the command line with the given streams; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        OstepCommand.configure(cli, args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (outOfMemory(ex)) {
                // A library that wraps the heap running out (hppc's maps do) gets the same one line.
                throw new OutOfMemoryError(String.valueOf(ex.getMessage()));
            }
            // Bad input and misuse are reported in one line; a bug keeps its stack trace.
            if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof java.io.UncheckedIOException || ex instanceof dev.pagelab.boot.BadInputException
                    || ex instanceof dev.pagelab.pmm.FrameAllocatorException || ex instanceof java.io.IOException) {
                // The message may quote the input: it must not drive the terminal.
                commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": "
                        + Printable.escape(String.valueOf(message(ex))));
                return 2;
            }
            throw ex;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // Simulated RAM lives in the Java heap: a big machine can need more than the JVM was given.
            String command = commandName(cli);
            err.println("pagelab" + (command.isEmpty() ? "" : " " + command) + ": ran out of Java heap (at most "
                    + InputFiles.sizeText(Runtime.getRuntime().maxMemory()) + "): every 4 KiB page of simulated RAM"
                    + " that is written costs 4 KiB of heap, a trace held in memory 4 to 8 bytes a reference. Give"
                    + " Java more (" + MORE_HEAP + ") or take a smaller machine or trace.");
            err.flush();
            return 1;
        }
    }

    /**
     * Whether {@code ex} is the heap running out in disguise: an {@link OutOfMemoryError} among its
     * causes, or hppc's {@code BufferAllocationException} (its maps' word for a failed allocation).
     */
    static boolean outOfMemory(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError || t instanceof com.carrotsearch.hppc.BufferAllocationException) {
                return true;
            }
        }
        return false;
    }

    /** {@code bench frames}: the subcommand that ran, or {@code pagelab}'s own name. */
    private static String commandName(CommandLine cli) {
        CommandLine.ParseResult result = cli.getParseResult();
        if (result == null) {
            return "";
        }
        StringBuilder name = new StringBuilder();
        for (CommandLine.ParseResult sub = result.subcommand(); sub != null; sub = sub.subcommand()) {
            name.append(name.isEmpty() ? "" : " ").append(sub.commandSpec().name());
        }
        return name.toString();
    }

    /** The one-line message of {@code ex}; a file-system failure names its file and what went wrong. */
    static String message(Exception ex) {
        if (ex instanceof java.nio.file.NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (ex instanceof java.nio.file.AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        if (ex instanceof java.nio.file.FileSystemException e && e.getReason() != null) {
            return e.getFile() + ": " + e.getReason();
        }
        return ex.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"pagelab " + (v == null ? "(development build)" : v)};
        }
    }
}
