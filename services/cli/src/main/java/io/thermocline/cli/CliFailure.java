package io.thermocline.cli;

import picocli.CommandLine;

/**
 * A failure with a message meant for the user (broker unreachable, topic missing, ...): reported without a
 * stack trace and exit code {@value #EXIT_CODE} by {@link #report}.
 */
public final class CliFailure extends RuntimeException {

    public static final int EXIT_CODE = 1;

    public CliFailure(String message) {
        super(message, null, false, false);
    }

    /** Prints "error: message" to the command's error stream and returns the exit code. */
    public static int report(CommandLine.Model.CommandSpec spec, CliFailure failure) {
        CommandLine cl = spec.commandLine();
        cl.getErr().println(cl.getColorScheme().errorText("error: " + failure.getMessage()));
        cl.getErr().flush();
        return EXIT_CODE;
    }
}
