package dev.pagelab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code pagelab help [COMMAND...]}: the help of a command at any depth, {@code pagelab help bench
 * frames} as {@code pagelab bench frames --help}. picocli's own help command looks one level
 * down only, so {@code help bench frames} printed {@code bench}'s help.
 */
@Command(name = "help",
        header = "Display help information about the specified command.",
        synopsisHeading = "%nUsage: ",
        helpCommand = true,
        description = {"%nWhen no COMMAND is given, the usage help for the main command is displayed. If a COMMAND"
                + " is given (several words for a subcommand: bench frames), its usage help is displayed."})
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command (and subcommand) to show the help of.")
    List<String> commands = new ArrayList<>();

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter outWriter,
                     PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        List<String> path = new ArrayList<>();
        for (String name : commands) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new CommandLine.ParameterException(self, "Unknown subcommand '" + String.join(" ", path)
                        + (path.isEmpty() ? "" : " ") + name + "': '" + target.getCommandName() + "' has "
                        + String.join(", ", target.getSubcommands().keySet()));
            }
            path.add(name);
            target = sub;
        }
        target.usage(out, colors);
        out.flush();
    }
}
