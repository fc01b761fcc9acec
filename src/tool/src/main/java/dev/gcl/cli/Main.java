package dev.gcl.cli;

import dev.gcl.backend.OutOfDeviceMemoryException;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.DiskFull;
import dev.gcl.io.InvalidInputException;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Entry point of the {@code gcl} tool. Exit codes: 0 success; 2 bad input or usage (one line on stderr, no stack
 * trace unless {@code --debug}); 1 an internal error or a training run that failed (diverged); 3 {@code gcl verify}
 * found results outside tolerance; 130 interrupted (Ctrl-C or SIGTERM) after writing a checkpoint.
 * <p>
 * Bad input is recognised by type only: {@link BadInputException}, {@link InvalidInputException},
 * {@link DataFormatException}, a GPU out of memory ({@link OutOfDeviceMemoryException}: the figures and what to
 * do), a missing or unreadable file ({@link NoSuchFileException},
 * {@link AccessDeniedException}) and a full disk ({@link DiskFull}). Anything else, a plain
 * IllegalArgumentException included, is a bug: {@code gcl: internal error: <first line> (run with --debug for the
 * stack trace)}, exit 1, so that a bug never looks like the user's fault.
 */
public final class Main {
    public static final int OK = 0, INTERNAL_ERROR = 1, BAD_INPUT = 2, MISMATCH = 3, INTERRUPTED = 130;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool and returns its exit code (for tests: nothing calls System.exit). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return execute(GclCommand.commandLine(out, err), args, err);
    }

    /** Runs cl with this tool's handling of errors (for tests: any command tree). */
    static int execute(CommandLine cl, String[] args, PrintStream err) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, debug, err));
        cl.setParameterExceptionHandler((e, a) -> {
            if (GclCommand.asksForHelp(a)) {  // help wins over whatever else is wrong on the line
                e.getCommandLine().usage(e.getCommandLine().getOut());
                return OK;
            }
            err.println("gcl: " + e.getMessage() + " (see gcl" + commandName(e.getCommandLine()) + " --help)");
            if (debug) e.printStackTrace(err);
            return BAD_INPUT;
        });
        return cl.execute(args);
    }

    private static String commandName(CommandLine c) {
        String n = c.getCommandName();
        return "gcl".equals(n) ? "" : " " + n;
    }

    /** Maps an exception to an exit code and prints one line. */
    static int handle(Throwable e, boolean debug, PrintStream err) {
        Throwable cause = e;
        if (cause instanceof UncheckedIOException && cause.getCause() != null) cause = cause.getCause();
        if (DiskFull.causes(e)) {  // the writer removed what it had half-written
            DiskFull full = DiskFull.in(e);
            err.println("gcl: " + firstLine(full != null ? full.getMessage() : String.valueOf(cause.getMessage()))
                    + "; free space, then run the same command again");
            if (debug) e.printStackTrace(err);
            return BAD_INPUT;
        }
        if (cause instanceof TrainingFailedException) {
            err.println("gcl: " + firstLine(cause.getMessage()));
            if (debug) e.printStackTrace(err);
            return INTERNAL_ERROR;
        }
        boolean bad = isBadInput(cause);
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof NoSuchFileException) message = "no such file: " + message;
        if (cause instanceof AccessDeniedException) message = "permission denied: " + message;
        err.println("gcl: " + (bad ? "" : "internal error: ") + firstLine(message)
                + (bad || debug ? "" : " (run with --debug for the stack trace)"));
        if (debug) e.printStackTrace(err);
        return bad ? BAD_INPUT : INTERNAL_ERROR;
    }

    /** Input a person can fix, by type: any other exception (a plain IllegalArgumentException too) is a bug. */
    static boolean isBadInput(Throwable t) {
        return t instanceof BadInputException || t instanceof InvalidInputException
                || t instanceof DataFormatException || t instanceof OutOfDeviceMemoryException
                || t instanceof NoSuchFileException || t instanceof AccessDeniedException;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
