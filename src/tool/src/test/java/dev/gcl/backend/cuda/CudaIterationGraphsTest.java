package dev.gcl.backend.cuda;

import dev.gcl.Gcl;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.backend.IterationGraphs;
import dev.gcl.backend.NlTarget;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.io.FeatureRows;
import dev.gcl.model.GclModel;
import dev.gcl.progress.EpochStats;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.TrainingListener;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import dev.gcl.sweep.ConcurrentRuns;
import dev.gcl.testing.SmallRuns;
import dev.gcl.train.GclTrainer;
import dev.gcl.train.NanPolicy;
import dev.gcl.train.TrainingDivergedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Iterations replayed from CUDA graphs (issue 30): every variant, both random negative-learning modes, streamed
 * batches, divergence under both policies and several runs at once train bit-identically to the launch-by-launch
 * path, and a recording that cannot be replayed is refused by name.
 */
class CudaIterationGraphsTest {
    private final TrainingData data = SmallRuns.tinyVideos(11).data();

    @BeforeEach
    void requireCuda() {
        CudaTesting.backendOrSkip().close();
    }

    /** Batches of a fifth of the rows (5 full iterations and a short one per epoch), so each shape is replayed. */
    private GclConfig.Builder config(Variant v) {
        return SmallRuns.fastConfig().variant(v).epochs(3).pretrainEpochs(2)
                .batchSize(data.rows() / 5 - 3);
    }

    /** The CUDA backend seen through a wrapper, so that the trainer asks it for graphs (or not) as told. */
    private static final class Cuda extends ForwardingBackend {
        final boolean graphs, resident;
        final CudaBackend cuda;
        CudaIterationGraphs made;

        Cuda(boolean graphs, boolean resident) {
            this(new CudaBackend(), graphs, resident);
        }

        private Cuda(CudaBackend cuda, boolean graphs, boolean resident) {
            super(cuda);
            this.cuda = cuda;
            this.graphs = graphs;
            this.resident = resident;
        }

        @Override
        public IterationGraphs iterationGraphs() {
            if (!graphs) return null;
            made = (CudaIterationGraphs) cuda.iterationGraphs();
            return made;
        }

        @Override
        public DeviceFloats residentRows(FeatureRows source) {
            return resident ? super.residentRows(source) : null;
        }
    }

    private record Run(GclModel model, List<IterationStats> iterations, List<EpochStats> epochs, Cuda backend) {}

    private Run fit(GclConfig config, boolean graphs, boolean resident) {
        List<IterationStats> its = new ArrayList<>();
        List<EpochStats> epochs = new ArrayList<>();
        TrainingListener collect = new TrainingListener() {
            @Override
            public void onIteration(IterationStats stats) {
                its.add(stats);
            }

            @Override
            public void onEpochEnd(EpochStats stats) {
                epochs.add(stats);
            }
        };
        Cuda[] made = new Cuda[1];
        GclModel m = new Gcl(config).withListener(collect).withBackend(() -> made[0] = new Cuda(graphs, resident))
                .fit(data);
        return new Run(m, its, epochs, made[0]);
    }

    private static void assertSameTraining(Run expected, Run actual) {
        assertTrue(expected.model().generator().bitEquals(actual.model().generator()), "generator weights differ");
        if (expected.model().discriminator() != null) {
            assertTrue(expected.model().discriminator().bitEquals(actual.model().discriminator()),
                    "discriminator weights differ");
        }
        assertEquals(expected.iterations(), actual.iterations(), "every iteration's losses and label counts");
        assertEquals(expected.epochs().size(), actual.epochs().size());
        for (int e = 0; e < expected.epochs().size(); e++) {
            EpochStats x = expected.epochs().get(e), y = actual.epochs().get(e);
            assertEquals(List.of(x.phase(), x.epoch(), x.iterations(), x.segments(), x.meanGeneratorLoss(),
                    x.meanDiscriminatorLoss(), x.fractionAnomalousByG(), x.fractionAnomalousByD(), x.testMetric()),
                    List.of(y.phase(), y.epoch(), y.iterations(), y.segments(), y.meanGeneratorLoss(),
                            y.meanDiscriminatorLoss(), y.fractionAnomalousByG(), y.fractionAnomalousByD(), y.testMetric()), "epoch " + e);
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void everyVariantTrainsThroughGraphsBitIdenticallyToLaunchByLaunch(Variant v) {
        GclConfig config = config(v).build();
        Run launches = fit(config, false, true), graphs = fit(config, true, true);
        assertNull(launches.backend().made, "the launch-by-launch run asked for no graphs");
        assertSameTraining(launches, graphs);
        CudaIterationGraphs g = graphs.backend().made;
        assertTrue(g.captures() >= 2 && g.replays() > launches.iterations().size() / 2,
                "most iterations replayed a graph: " + g.tally() + " of " + launches.iterations().size());
    }

    @ParameterizedTest
    @EnumSource(value = NlTarget.class, names = {"GAUSSIAN", "RANDOM_NORMAL"})
    void randomStreamsOfEachIterationAreReadFromTheDevice(NlTarget nl) {
        GclConfig config = config(Variant.GCL_B).nlTarget(nl).build();
        assertSameTraining(fit(config, false, true), fit(config, true, true));
    }

    @Test
    void batchesStreamedFromHostMemoryTrainThroughGraphsBitIdentically() {
        GclConfig config = config(Variant.GCL_PT).nlTarget(NlTarget.RANDOM_NORMAL).build();
        Run launches = fit(config, false, true), streamed = fit(config, true, false);
        assertSameTraining(launches, streamed);
        assertTrue(streamed.backend().made.replays() > 0, streamed.backend().made.tally());
    }

    @Test
    void divergenceStopsWithTheSameMessageAndSkipsTheSameBatches() {
        GclConfig config = config(Variant.GCL_B).learningRate(1e20).build();
        String[] messages = new String[2];
        for (int k = 0; k < 2; k++) {
            boolean graphs = k == 1;
            messages[k] = assertThrows(TrainingDivergedException.class, () -> new Gcl(config)
                    .withBackend(() -> new Cuda(graphs, true)).fit(data)).getMessage();
        }
        assertTrue(messages[0].startsWith("training diverged at iteration "), messages[0]);
        assertEquals(messages[0], messages[1]);
    }

    @Test
    void skippedBatchesAreTheSameThroughGraphs() {
        GclConfig config = config(Variant.GCL_B).learningRate(1e20).build();
        List<List<String>> messages = new ArrayList<>();
        List<GclTrainer.Result> results = new ArrayList<>();
        for (boolean graphs : new boolean[] {false, true}) {
            List<String> said = new ArrayList<>();
            TrainingListener listen = new TrainingListener() {
                @Override
                public void onMessage(String message) {
                    said.add(message);
                }
            };
            try (Backend b = new Cuda(graphs, true)) {
                results.add(new GclTrainer(config, b, listen).withNanPolicy(NanPolicy.SKIP_BATCH).train(data));
            } catch (TrainingDivergedException e) {
                said.add("diverged: " + e.getMessage());  // the epoch's weight check may still stop it
            }
            messages.add(said);
        }
        assertEquals(messages.get(0), messages.get(1));
        assertTrue(messages.get(0).stream().anyMatch(m -> m.contains("skipped") || m.startsWith("diverged")),
                "the learning rate makes losses non-finite: " + messages.get(0));
        if (results.size() == 2) {
            assertTrue(results.get(0).generator().bitEquals(results.get(1).generator()), "generator weights differ");
        }
    }

    /** What {@code gcl sweep --jobs 4 --backend cuda} does with its runs: ConcurrentRuns, a backend per run. */
    @Test
    void sweepRunsAtOnceOnStreamsEachEqualTheSameRunAlone() {
        List<GclConfig> configs = List.of(config(Variant.GCL_PT).seed(1).build(),
                config(Variant.GCL_B).seed(2).nlTarget(NlTarget.GAUSSIAN).build(),
                config(Variant.AE_ALL).seed(3).build(), config(Variant.GCL_B).seed(4).build());
        List<Run> alone = new ArrayList<>();
        for (GclConfig c : configs) alone.add(fit(c, true, true));
        Map<GclConfig, Run> together = new ConcurrentHashMap<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        ConcurrentRuns.run(configs, configs.size(), () -> false, c -> {
            threads.add(Thread.currentThread().getName());
            together.put(c, fit(c, true, true));
        });
        assertTrue(threads.size() > 1, "runs on several threads at once: " + threads);
        for (int k = 0; k < configs.size(); k++) {
            Run t = together.get(configs.get(k));
            assertSameTraining(alone.get(k), t);
            assertTrue(t.backend().made.replays() > 0, "run " + k + ": " + t.backend().made.tally());
        }
    }

    @Test
    void aRecordingThatAReplayCouldNotRepeatIsRefusedByName() {
        try (CudaBackend b = CudaTesting.backendOrSkip()) {
            DeviceFloats x = b.allocFloats(8), result = b.allocFloats(8);
            dev.gcl.backend.DeviceInts order = b.allocInts(8);
            IterationGraphs graphs = b.iterationGraphs();
            GraphCaptureException upload = assertThrows(GraphCaptureException.class, () -> graphs.run("upload", 0, 2,
                    0, () -> b.upload(new float[8], 0, x, 0, 8), result, 8));
            assertTrue(upload.getMessage().contains("must not upload"), upload.getMessage());
            GraphCaptureException offset = assertThrows(GraphCaptureException.class, () -> graphs.run("gather", 4, 2,
                    0, () -> b.gatherRows(x, order, 2, result, 2, 1), result, 8));
            assertTrue(offset.getMessage().contains("index offset 2, not at its batch start 4"), offset.getMessage());
            GraphCaptureException stream = assertThrows(GraphCaptureException.class, () -> graphs.run("stream", 0, 2,
                    5, () -> b.philoxUniform(new RandomStream(1, Purpose.NL_PICK, 6), 0, result, 2), result, 8));
            assertTrue(stream.getMessage().contains("random stream 6, not from its iteration's stream 5"),
                    stream.getMessage());
            graphs.close();
            assertThrows(IllegalStateException.class, () -> graphs.run("closed", 0, 2, 0, () -> { }, result, 8));
        }
    }

    @Test
    void replaysReadTheirValuesFromTheDeviceAndResultsArriveInOrder() {
        try (CudaBackend b = CudaTesting.backendOrSkip()) {
            int n = 16;
            DeviceFloats out = b.allocFloats(n);
            IterationGraphs graphs = b.iterationGraphs();
            float[] got = new float[n], want = new float[n];
            IterationGraphs.Pending previous = null;
            int previousIteration = -1;
            for (int it = 0; it < 6; it++) {
                int iteration = 10 + it;
                IterationGraphs.Pending p = graphs.run("uniforms", 0, 2, iteration, () -> b.philoxUniform(
                        new RandomStream(3, Purpose.NL_PICK, iteration), 0, out, n), out, n);
                if (previous != null) {  // read one iteration late, as the trainer does
                    previous.await(got);
                    new RandomStream(3, Purpose.NL_PICK, previousIteration).fillUniform(want, 0, n, 0);
                    assertArrayEquals(want, got, "iteration " + previousIteration);
                }
                previous = p;
                previousIteration = iteration;
            }
            previous.await(got);
            new RandomStream(3, Purpose.NL_PICK, previousIteration).fillUniform(want, 0, n, 0);
            assertArrayEquals(want, got, "the last iteration");
            CudaIterationGraphs g = (CudaIterationGraphs) graphs;
            assertEquals("eager 1, captured 1, replayed 5", g.tally());
            IterationGraphs.Pending last = previous;
            assertThrows(IllegalStateException.class, () -> last.await(got), "results are read once");
            graphs.close();
        }
    }
}
