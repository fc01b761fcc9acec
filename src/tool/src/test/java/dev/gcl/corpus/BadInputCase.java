package dev.gcl.corpus;

import java.io.IOException;

/**
 * One entry of the bad-input corpus: which reader it targets, a name, and how to break {@link CorpusData} and
 * reach that reader through the gcl tool. The tool must refuse it naming {@code file} and saying {@code cause}.
 */
record BadInputCase(String reader, String name, Setup setup) {
    @FunctionalInterface
    interface Setup {
        Invocation prepare(CorpusData data) throws IOException;
    }

    /** The command line to run, the file name the error must name, and a fragment of the cause it must give. */
    record Invocation(String[] args, String file, String cause) {}

    static Invocation expect(String[] args, String file, String cause) {
        return new Invocation(args, file, cause);
    }

    @Override
    public String toString() {
        return reader + ": " + name;
    }
}
