package dev.gcl.bench;

import dev.gcl.backend.Activation;
import dev.gcl.config.GclConfig;
import dev.gcl.config.ScoreSource;
import dev.gcl.config.Variant;
import dev.gcl.model.GclModel;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Latency of single-row scoring under load (issue 28, item 4): 16 threads each score one row at a time (D's score,
 * the paper's networks, D = 2048) through one shared {@link GclModel}, sampled (JMH's p50, p99, p99.9), alone
 * ({@code load=false}) and while one more thread scores 8,192-row batches through the same model without pause
 * ({@code load=true}). A batch that blocks single rows (a global lock) shows as a p99 of the batch's duration.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar LatencyUnderLoadBenchmark -p scorer=blas
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class LatencyUnderLoadBenchmark {
    static final int DIM = 2048, BATCH = 8192;

    @State(Scope.Benchmark)
    public static class Model {
        /** A scorer's name: "blas", "java", "reference" or "fast". */
        @Param({"blas"})
        public String scorer;
        /** Whether another thread scores 8,192-row batches meanwhile. */
        @Param({"false", "true"})
        public boolean load;
        GclModel model;
        float[] row;
        private volatile boolean stop;
        private Thread batches;
        /** Batches the load thread completed during the trial (printed at its end). */
        private volatile long batchCount;

        @Setup(Level.Trial)
        public void start() {
            GclConfig c = GclConfig.builder().variant(Variant.GCL_PT).build();
            NetworkWeights g = NetworkWeights.initialise(c.generatorDims(DIM), Activation.IDENTITY, 1, 0);
            NetworkWeights d = NetworkWeights.initialise(c.discriminatorDims(DIM), Activation.SIGMOID, 1, 1000);
            model = GclModel.of(c, g, d, List.of()).withScorer(scorer, Runtime.getRuntime().availableProcessors());
            float[] x = new float[BATCH * DIM];
            new RandomStream(7, Purpose.TEST, 99).fillUniform(x, 0, x.length, 0);
            row = java.util.Arrays.copyOf(x, DIM);
            model.score(row);
            if (!load) return;
            float[] out = new float[BATCH];
            batches = new Thread(() -> {
                while (!stop) {
                    model.score(ScoreSource.DISCRIMINATOR, x, BATCH, out);
                    batchCount++;
                }
            }, "batch-load");
            batches.setDaemon(true);
            batches.start();
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            stop = true;
            if (batches != null) {
                batches.join();
                System.out.println("load thread: " + batchCount + " batches of " + BATCH + " rows");
            }
        }
    }

    @State(Scope.Thread)
    public static class Row {
        float[] row;

        @Setup
        public void copy(Model m) {
            row = m.row.clone();
        }
    }

    @Benchmark
    @Threads(16)
    public float singleRow(Model m, Row r) {
        return m.model.score(r.row);
    }
}
