package dev.gcl.train;

import dev.gcl.Gcl;
import dev.gcl.backend.NlTarget;
import dev.gcl.config.CleaningRule;
import dev.gcl.config.GclConfig;
import dev.gcl.config.ScoreSource;
import dev.gcl.config.Variant;
import dev.gcl.data.SyntheticVideos;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.progress.Phase;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** Each variant runs a few iterations on small generated data and does what docs/algorithm.md says. */
class VariantBehaviourTest {
    private final SyntheticVideos.Result tiny = SmallRuns.tinyVideos(3);
    private final TrainingData data = tiny.data();

    private GclModel fit(GclConfig config, ObservingBackend observer) {
        return new Gcl(config).withBackend(() -> observer).withListener(observer).fit(data);
    }

    private static Set<Integer> allRows(TrainingData d) {
        return IntStream.range(0, d.rows()).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Integer> rowsOf(int[] rows) {
        return Arrays.stream(rows).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void onesTargetReplacesRowsThatTheUpdatedDiscriminatorFlags() {
        int[] flagged = {0};
        ObservingBackend ob = new ObservingBackend(data.dim()) {
            float[] dLabels;

            @Override
            void onLabels(float[] labels, float[] mask, double k) {
                if (k == 0.1) dLabels = labels;  // kD: the labels of step 4
            }

            @Override
            void onTargets(float[] x, float[] labels, float[] targets, float[] weights, int rows, int cols) {
                assertArrayEquals(dLabels, labels, "negative learning uses lD of the updated D");
                for (int r = 0; r < rows; r++) {
                    if (labels[r] == 1f) flagged[0]++;
                    for (int j = 0; j < cols; j++) {
                        float expected = labels[r] == 1f ? 1f : x[r * cols + j];
                        assertEquals(expected, targets[r * cols + j], "target (" + r + ", " + j + ")");
                    }
                    assertEquals(1f, weights[r]);
                }
            }
        };
        fit(SmallRuns.fastConfig().variant(Variant.GCL_B).kD(0.1).kG(1.0).build(), ob);
        assertTrue(ob.nlCalls > 0);
        assertTrue(flagged[0] > 0, "some rows were flagged anomalous");
        assertEquals(List.of(Phase.COOPERATIVE), ob.phases, "gcl-b does not pre-train");
    }

    @Test
    void withoutNegativeLearningFlaggedRowsWeighZero() {
        int[] zeroWeights = {0};
        ObservingBackend ob = new ObservingBackend(data.dim()) {
            @Override
            void onTargets(float[] x, float[] labels, float[] targets, float[] weights, int rows, int cols) {
                for (int r = 0; r < rows; r++) {
                    assertEquals(labels[r] == 1f ? 0f : 1f, weights[r], "weight of row " + r);
                    if (weights[r] == 0f) zeroWeights[0]++;
                    for (int j = 0; j < cols; j++) assertEquals(x[r * cols + j], targets[r * cols + j]);
                }
            }
        };
        fit(SmallRuns.fastConfig().variant(Variant.GCL_B).nlTarget(NlTarget.NONE).build(), ob);
        assertTrue(zeroWeights[0] > 0);
    }

    @Test
    void gaussianTargetAddsNoiseOfTheConfiguredSigma() {
        double[] sums = new double[3];  // count, sum, sum of squares of target - x over flagged rows
        ObservingBackend ob = new ObservingBackend(data.dim()) {
            @Override
            void onTargets(float[] x, float[] labels, float[] targets, float[] weights, int rows, int cols) {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        double diff = (double) targets[r * cols + j] - x[r * cols + j];
                        if (labels[r] == 0f) {
                            assertEquals(0.0, diff);
                        } else {
                            sums[0]++;
                            sums[1] += diff;
                            sums[2] += diff * diff;
                        }
                    }
                }
            }
        };
        fit(SmallRuns.fastConfig().variant(Variant.GCL_B).nlTarget(NlTarget.GAUSSIAN).gaussianSigma(0.5).build(), ob);
        assertTrue(sums[0] > 1000, "enough noisy elements: " + sums[0]);
        double mean = sums[1] / sums[0], std = Math.sqrt(sums[2] / sums[0] - mean * mean);
        assertEquals(0.0, mean, 0.05);
        assertEquals(0.5, std, 0.05);
    }

    @Test
    void randomNormalTargetIsAnotherRowOfTheBatchLabelledNormal() {
        int[] checked = {0};
        ObservingBackend ob = new ObservingBackend(data.dim()) {
            @Override
            void onTargets(float[] x, float[] labels, float[] targets, float[] weights, int rows, int cols) {
                for (int r = 0; r < rows; r++) {
                    if (labels[r] == 0f) continue;
                    float[] t = Arrays.copyOfRange(targets, r * cols, (r + 1) * cols);
                    boolean found = false;
                    for (int s = 0; s < rows && !found; s++) {
                        found = labels[s] == 0f && Arrays.equals(t, Arrays.copyOfRange(x, s * cols, (s + 1) * cols));
                    }
                    assertTrue(found, "target of flagged row " + r + " is not a normal row of the batch");
                    checked[0]++;
                }
            }
        };
        fit(SmallRuns.fastConfig().variant(Variant.GCL_B).nlTarget(NlTarget.RANDOM_NORMAL).build(), ob);
        assertTrue(checked[0] > 0);
    }

    @Test
    void pretrainingTrainsGOnExactlyTheCleanedSegmentsThenDOnAll() {
        ObservingBackend ob = new ObservingBackend(data.dim());
        GclConfig config = SmallRuns.fastConfig().variant(Variant.GCL_PT).build();
        fit(config, ob);
        TemporalCleaning.Result kept = TemporalCleaning.clean(data, CleaningRule.QUANTILE, 0.8);
        assertEquals(List.of(Phase.PRETRAIN_G, Phase.PRETRAIN_D, Phase.COOPERATIVE), ob.phases);
        assertEquals(rowsOf(kept.keptRows()), ob.rowsSeen.get(Phase.PRETRAIN_G));
        assertTrue(kept.keptRows().length < data.rows());
        assertEquals(allRows(data), ob.rowsSeen.get(Phase.PRETRAIN_D));
        assertEquals(allRows(data), ob.rowsSeen.get(Phase.COOPERATIVE));
        assertTrue(ob.messages.stream().anyMatch(m -> m.contains("temporal cleaning") && m.contains("kept "
                + kept.keptRows().length + " of " + data.rows())), ob.messages.toString());
    }

    @Test
    void occPretrainsGOnNormalVideosOnly() {
        ObservingBackend ob = new ObservingBackend(data.dim());
        fit(SmallRuns.fastConfig().variant(Variant.GCL_OCC).build(), ob);
        Set<Integer> normal = rowsOf(PhasePlan.normalRows(data));
        assertFalse(normal.isEmpty());
        assertTrue(normal.size() < data.rows());
        assertEquals(normal, ob.rowsSeen.get(Phase.PRETRAIN_G));
        assertEquals(List.of(Phase.PRETRAIN_G, Phase.PRETRAIN_D, Phase.COOPERATIVE), ob.phases);
    }

    @Test
    void weakSupervisionForcesLabelsOfNormalVideosToZero() {
        Set<Integer> normal = rowsOf(PhasePlan.normalRows(data));
        int[] anomalousFlags = {0};
        ObservingBackend ob = new ObservingBackend(data.dim()) {
            @Override
            void onLabels(float[] labels, float[] mask, double k) {
                assertNotNull(mask, "gcl-ws passes its mask to every threshold");
                for (int i = 0; i < labels.length; i++) {
                    boolean isNormal = normal.contains(batchRows[i]);
                    assertEquals(isNormal ? 0f : 1f, mask[i], "fraction 1: every normal video is labelled");
                    if (isNormal) assertEquals(0f, labels[i], "row " + batchRows[i] + " of a normal video");
                    else anomalousFlags[0] += (int) labels[i];
                }
            }
        };
        fit(SmallRuns.fastConfig().variant(Variant.GCL_WS).weakLabelFraction(1.0).build(), ob);
        assertTrue(anomalousFlags[0] > 0, "rows of anomalous videos still get pseudo-labels");
        assertTrue(ob.labelCalls > 0);
    }

    @Test
    void weakLabelFractionUsesOnlyThatShareOfVideos() {
        Set<Integer> normal = rowsOf(PhasePlan.normalRows(data));
        Set<Integer> forced = new TreeSet<>();
        ObservingBackend ob = new ObservingBackend(data.dim()) {
            @Override
            void onLabels(float[] labels, float[] mask, double k) {
                for (int i = 0; i < mask.length; i++) if (mask[i] == 0f) forced.add(batchRows[i]);
            }
        };
        fit(SmallRuns.fastConfig().variant(Variant.GCL_WS).weakLabelFraction(0.5).build(), ob);
        assertTrue(normal.containsAll(forced), "only normal videos are forced");
        assertFalse(forced.isEmpty());
        assertTrue(forced.size() < normal.size(), "half the videos: some normal videos stay unlabelled");
        for (int v = 0; v < data.videos(); v++) {  // forcing is per whole video
            long n = IntStream.range(data.videoStart(v), data.videoEnd(v)).filter(forced::contains).count();
            assertTrue(n == 0 || n == data.videoEnd(v) - data.videoStart(v), "video " + v + " partly forced");
        }
        assertTrue(ob.messages.contains("gcl-ws: labels of 10 of 20 videos are used"), ob.messages.toString());
    }

    @Test
    void softLabelsTrainDOnMinMaxScaledErrors() {
        ObservingBackend ob = new ObservingBackend(data.dim()) {
            @Override
            void onBce(float[] y) {
                float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
                for (int i = 0; i < y.length; i++) {
                    min = Math.min(min, y[i]);
                    max = Math.max(max, y[i]);
                    double e = lastErr[i];
                    double expected = (e - min(lastErr)) / (max(lastErr) - min(lastErr));
                    assertEquals(expected, y[i], 1e-6);
                }
                assertEquals(0f, min);
                assertEquals(1f, max);
            }
        };
        fit(SmallRuns.fastConfig().variant(Variant.SOFT_LABELS).build(), ob);
        assertTrue(ob.bceCalls > 0);
    }

    private static double min(float[] a) {
        double m = Double.MAX_VALUE;
        for (float x : a) m = Math.min(m, x);
        return m;
    }

    private static double max(float[] a) {
        double m = -Double.MAX_VALUE;
        for (float x : a) m = Math.max(m, x);
        return m;
    }

    @Test
    void gSelfUsesItsOwnLabelsAndHasNoDiscriminator() {
        ObservingBackend ob = new ObservingBackend(data.dim()) {
            @Override
            void onTargets(float[] x, float[] labels, float[] targets, float[] weights, int rows, int cols) {
                assertArrayEquals(lastLabels, labels, "negative learning uses G's own lG");
            }
        };
        GclModel m = fit(SmallRuns.fastConfig().variant(Variant.G_SELF).build(), ob);
        assertEquals(0, ob.bceCalls, "no discriminator is trained");
        assertTrue(ob.nlCalls > 0);
        assertNull(m.discriminator());
        assertEquals(ScoreSource.RECONSTRUCTION, m.scoreSource());
        assertTrue(Double.isNaN(m.history().get(0).meanDiscriminatorLoss()));
    }

    @Test
    void autoencoderVariantsTrainOnTheirSubsetsWithoutNegativeLearning() {
        TemporalCleaning.Result kept = TemporalCleaning.clean(data, CleaningRule.QUANTILE, 0.8);
        Object[][] cases = {
                {Variant.AE_ALL, allRows(data)},
                {Variant.AE_TD, rowsOf(kept.keptRows())},
                {Variant.AE_OCC, rowsOf(PhasePlan.normalRows(data))},
        };
        for (Object[] c : cases) {
            ObservingBackend ob = new ObservingBackend(data.dim());
            GclModel m = fit(SmallRuns.fastConfig().variant((Variant) c[0]).build(), ob);
            assertEquals(List.of(Phase.AUTOENCODER), ob.phases, c[0].toString());
            assertEquals(c[1], ob.rowsSeen.get(Phase.AUTOENCODER), c[0].toString());
            assertEquals(0, ob.nlCalls + ob.bceCalls, c[0].toString());
            assertEquals(ScoreSource.RECONSTRUCTION, m.scoreSource());
        }
    }

    @Test
    void everyEpochOfEveryPhaseIsRecorded() {
        ObservingBackend ob = new ObservingBackend(data.dim());
        GclModel m = fit(SmallRuns.fastConfig().variant(Variant.GCL_PT).epochs(3).pretrainEpochs(2).build(), ob);
        assertEquals(7, m.history().size());
        var coop = m.history().get(6);
        assertEquals(Phase.COOPERATIVE, coop.phase());
        assertEquals(2, coop.epoch());
        assertEquals(data.rows(), coop.segments());
        assertTrue(coop.fractionAnomalousByG() > 0 && coop.fractionAnomalousByG() < 0.5);
        assertTrue(coop.fractionAnomalousByD() >= 0 && coop.fractionAnomalousByD() < 1);
        assertTrue(coop.meanGeneratorLoss() > 0 && coop.meanDiscriminatorLoss() > 0);
        assertTrue(Double.isNaN(m.history().get(0).meanDiscriminatorLoss()), "pre-training G has no D loss");
    }

    @Test
    void lastBatchOfOneRowIsSkipped() {
        // 20 videos; choose a batch so that rows % batch == 1
        int rows = data.rows();
        int batch = IntStream.range(40, rows).filter(b -> rows % b == 1).findFirst().orElseThrow();
        ObservingBackend ob = new ObservingBackend(data.dim());
        GclModel m = fit(SmallRuns.fastConfig().variant(Variant.AE_ALL).batchSize(batch).epochs(1).build(), ob);
        assertEquals(rows - 1, m.history().get(0).segments());
        assertEquals(rows / batch, m.history().get(0).iterations());
    }

    @Test
    void scoresComeFromDOrFromReconstructionError() {
        GclConfig config = SmallRuns.fastConfig().variant(Variant.GCL_B).build();
        GclModel byD = new Gcl(config).withReferenceBackend().fit(data);
        GclModel byG = new Gcl(config.toBuilder().scoreSource(ScoreSource.RECONSTRUCTION).build()).withReferenceBackend()
                .fit(data);
        assertTrue(byD.generator().bitEquals(byG.generator()), "the score source does not change training");
        float[] p = byD.score(data.features(), data.rows());
        float[] e = byG.score(data.features(), data.rows());
        for (float v : p) assertTrue(v > 0 && v < 1, "a probability: " + v);
        // reconstruction error by hand for row 5
        float[] row = Arrays.copyOfRange(data.features(), 5 * data.dim(), 6 * data.dim());
        float[] recon = dev.gcl.nn.HostInference.forward(byG.generator(), row, 0, 1,
                new dev.gcl.nn.HostInference.Scratch(byG.generator(), 1));
        double s = 0;
        for (int j = 0; j < data.dim(); j++) s += Math.pow((double) recon[j] - row[j], 2);
        assertEquals(s / data.dim(), e[5], 1e-7);
    }
}
