package dev.gcl.cli;

import picocli.CommandLine.Option;

/**
 * {@code --debug}, on every command that does work: {@link Main} shows the stack trace of an error when the line
 * holds it (the flag is read there, before any command runs, so that parse errors get their trace too).
 */
final class DebugOption {
    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;
}
