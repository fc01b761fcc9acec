package dev.gcl.cli;

import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.Dataset;
import dev.gcl.data.DatasetLoader;
import dev.gcl.model.ScoringArithmetic;
import dev.gcl.progress.EpochStats;
import dev.gcl.progress.TrainingListener;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TrainAndEvaluateTest {
    @Test
    void theTestSplitIsScoredOnceByTheRunsScorerAndTheMetricsComeFromThoseScores(@TempDir Path tmp) {
        new SyntheticDatasetGenerator(SyntheticConfig.small(3)).write(tmp.resolve("d"));
        Dataset ds = DatasetLoader.load(tmp.resolve("d/dataset.yaml"));
        GclConfig config = SmallRuns.fastConfig().variant(Variant.GCL_PT).build();
        TrainAndEvaluate.Outcome o = TrainAndEvaluate.run(ds, config, () -> new ReferenceBackend(1),
                ScoringArithmetic.REFERENCE, 1, TrainingListener.NONE, true, TrainAndEvaluate.Controls.NONE);
        List<EpochStats> history = o.model().history();
        // the last epoch's evaluation scored the final weights: its scores are the run's, not computed again
        assertEquals(history.get(history.size() - 1).testMetric(), o.metrics().rocAuc(), 0.0);
        TrainAndEvaluate.TestScores again = TrainAndEvaluate.score(ds,
                o.model().withScorer(ScoringArithmetic.REFERENCE, 1));
        assertEquals(ds.test().size(), o.scores().segments().size());
        for (int v = 0; v < ds.test().size(); v++) {
            assertArrayEquals(again.segments().get(v), o.scores().segments().get(v), "video " + v);
        }
        assertEquals(o.metrics().rocAuc(), ds.evaluationOf(again.segments()).result().rocAuc(), 0.0);
        assertTrue(o.evaluateSeconds() > 0 && o.seconds() > 0);
    }
}
