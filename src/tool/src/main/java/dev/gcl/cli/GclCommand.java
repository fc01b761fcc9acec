package dev.gcl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;

/** The top-level {@code gcl} command; its subcommands do the work. */
@Command(name = "gcl", mixinStandardHelpOptions = true, versionProvider = GclCommand.Version.class,
        description = "Generative Cooperative Learning (Zaheer et al., CVPR 2022) for unsupervised video anomaly"
                + " detection.",
        subcommands = {TrainCommand.class, ScoreCommand.class, EvalCommand.class, ExportCommand.class, SweepCommand.class,
                SynthCommand.class, InfoCommand.class, VerifyCommand.class, CommandLine.HelpCommand.class})
public final class GclCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new GclCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOverwrittenOptionsAllowed(true);  // the last of a repeated option wins, as in most tools
        addHelpOptions(cl);
        return cl;
    }

    /** -h/--help on every subcommand, added here so that no command can be written without it. */
    private static void addHelpOptions(CommandLine cl) {
        CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
        if (spec.findOption("--help") == null) {
            spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help (usage, options and their defaults) and exit.").build());
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) addHelpOptions(sub);
        }
    }

    /** True when the arguments ask for help: -h or --help anywhere on the line. */
    static boolean asksForHelp(String[] args) {
        for (String a : args) if (a.equals("-h") || a.equals("--help")) return true;
        return false;
    }

    /** The library version from the jar manifest, or "development" when run from classes. */
    public static String version() {
        String v = GclCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gcl " + version()};
        }
    }
}
