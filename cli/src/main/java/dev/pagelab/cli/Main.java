package dev.pagelab.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pagelab} command: one subcommand a job. */
@Command(name = "pagelab",
        scope = CommandLine.ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
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
            BenchCommand.class,
            TraceCommand.class,
            CommandLine.HelpCommand.class,
        },
        footer = {"", "Run 'pagelab COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // Bad input and misuse are reported in one line; a bug keeps its stack trace.
            if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof java.io.UncheckedIOException || ex instanceof dev.pagelab.boot.BadInputException
                    || ex instanceof dev.pagelab.pmm.FrameAllocatorException || ex instanceof java.io.IOException) {
                commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + message(ex));
                return 2;
            }
            throw ex;
        });
        return cli.execute(args);
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
