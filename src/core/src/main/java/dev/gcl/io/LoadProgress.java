package dev.gcl.io;

/** Told how loading many feature files goes, one file at a time: a progress bar, a log, or nothing. */
public interface LoadProgress {
    LoadProgress NONE = new LoadProgress() {
        @Override public void start(String task, int files) { }
        @Override public void fileDone() { }
        @Override public void finish() { }
    };

    /** A pass over {@code files} files begins ("loading training features", say). */
    void start(String task, int files);

    /** One more file of the pass is done. */
    void fileDone();

    /** The pass is over (also after an error). */
    void finish();

    /** A line for the person running it (what was mapped, what was converted). */
    default void note(String message) { }
}
