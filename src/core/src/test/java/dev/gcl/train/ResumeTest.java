package dev.gcl.train;

import dev.gcl.Gcl;
import dev.gcl.backend.NlTarget;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.progress.EpochStats;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A run stopped at any iteration boundary and resumed from its checkpoint ends bit-identical to an uninterrupted one. */
class ResumeTest {
    private static final TrainingData DATA = SmallRuns.tinyVideos(8).data();

    /** Stops at the boundary before global iteration stopAt, keeping the state it was handed. */
    static final class StopAt implements CheckpointPolicy {
        final int stopAt;
        final List<TrainerState> written = new ArrayList<>();

        StopAt(int stopAt) {
            this.stopAt = stopAt;
        }

        int current = -1;

        @Override
        public boolean due(TrainerState.Position next, boolean epochEnd) {
            current = next.globalIteration();
            return false;
        }

        @Override
        public void write(TrainerState state) {
            written.add(state);
        }

        @Override
        public boolean stopRequested() {
            return current + 1 >= stopAt;  // the boundary after iteration stopAt-1
        }
    }

    static void assertSameRun(GclModel expected, GclModel actual) {
        assertTrue(expected.generator().bitEquals(actual.generator()), "generator weights differ");
        if (expected.discriminator() != null) {
            assertTrue(expected.discriminator().bitEquals(actual.discriminator()), "discriminator weights differ");
        }
        List<EpochStats> a = expected.history(), b = actual.history();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).meanGeneratorLoss(), b.get(i).meanGeneratorLoss(), 0.0, "G loss of epoch row " + i);
            assertEquals(a.get(i).meanDiscriminatorLoss(), b.get(i).meanDiscriminatorLoss(), 0.0, "D loss, row " + i);
            assertEquals(a.get(i).fractionAnomalousByD(), b.get(i).fractionAnomalousByD(), 0.0, "lD share, row " + i);
            assertEquals(a.get(i).segments(), b.get(i).segments());
        }
    }

    @ParameterizedTest(name = "{0} with {1}, stopped before iteration {2} (phase {3}, epoch {4}, row {5})")
    @CsvSource({
            "gcl-pt, ones, 3, 0, 0, 600",            // inside G pre-training
            "gcl-pt, random-normal, 16, 1, 0, 800",  // inside D pre-training
            "gcl-pt, gaussian, 34, 2, 1, 200",       // cooperative loop (noise streams by global iteration)
            "gcl-pt, ones, 26, 2, 0, 0",             // at the boundary between D pre-training and the loop
            "gcl-ws, none, 9, 0, 1, 400",
            "ae-td, ones, 5, 0, 0, 1000",
            "g-self, ones, 7, 0, 1, 0",              // at an epoch boundary
    })
    void stoppedAndResumedEqualsUninterrupted(String variant, String nl, int stopAt, int phase, int epoch, int row) {
        GclConfig config = SmallRuns.fastConfig().variant(Variant.parse(variant)).nlTarget(NlTarget.parse(nl))
                .epochs(3).pretrainEpochs(2).batchSize(200).build();
        GclModel whole = new Gcl(config).withReferenceBackend().fit(DATA);

        StopAt policy = new StopAt(stopAt);
        assertThrows(TrainingStoppedException.class,
                () -> new Gcl(config).withReferenceBackend().withCheckpoints(policy).fit(DATA));
        assertEquals(1, policy.written.size(), "one checkpoint, written on the stop");
        TrainerState state = policy.written.get(0);
        assertEquals(new TrainerState.Position(phase, epoch, row, stopAt), state.position());
        GclModel resumed = new Gcl(config).withReferenceBackend().resumingFrom(state).fit(DATA);
        assertSameRun(whole, resumed);
    }
}
