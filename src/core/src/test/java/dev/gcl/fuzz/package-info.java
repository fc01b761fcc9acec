/**
 * Coverage-guided fuzz tests (Jazzer {@code @FuzzTest}) of every reader of outside input. A normal {@code mvn test}
 * replays the committed inputs under {@code src/test/resources/dev/gcl/fuzz/<Class>Inputs/<method>/} once each
 * (regression mode); {@code JAZZER_FUZZ=1} fuzzes for real (see README.md in this folder). The only failure a
 * target accepts is the reader's own {@link dev.gcl.io.DataFormatException}: anything else is a bug.
 */
package dev.gcl.fuzz;
