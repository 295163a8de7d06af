package io.thermocline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code thermocline} command. Each subcommand lives in its own class. */
@Command(name = "thermocline",
        mixinStandardHelpOptions = true,
        versionProvider = ThermoclineCli.Version.class,
        description = "Streaming telemetry pipeline for Linux memory tiering.",
        subcommands = {
            CommandLine.HelpCommand.class,
            AgentCommand.class,
            BenchCommand.class,
            DemoCommand.class,
            EmulateCommand.class,
            ExportCommand.class,
            PinCommand.class,
            ReplayCommand.class,
            TopCommand.class,
        })
public final class ThermoclineCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new ThermoclineCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ThermoclineCli.class.getPackage().getImplementationVersion();
            return new String[] {"thermocline " + (v == null ? "dev" : v)};
        }
    }
}
