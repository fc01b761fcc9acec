package dev.gcl.bench;

import dev.gcl.Gcl;
import dev.gcl.backend.Backends;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Wall time of gcl-b training with the paper's networks (G [2048, 1024, 512, 256, 512, 1024, 2048],
 * D [2048, 512, 32, 1]) at B = 8192: one fit of one epoch of {@code iterations} batches, on the OpenBLAS backend
 * and on the reference, on all cores. Each fit also allocates the networks (small next to an iteration). Segments
 * per second = iterations × 8192 / score. The reference takes about a minute per iteration on 2 cores: run it
 * with {@code -p iterations=1}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
public class TrainingIterationBenchmark {
    static final int DIM = 2048, BATCH = 8192;

    @State(Scope.Benchmark)
    public static class Run {
        @Param({"blas", "reference"})
        public String backend;
        @Param({"3"})
        public int iterations;
        TrainingData data;
        GclConfig config;

        @Setup
        public void build() {
            float[] x = new float[iterations * BATCH * DIM];
            new RandomStream(1, Purpose.TEST, 77).fillUniform(x, 0, x.length, 0);
            data = TrainingData.flat(x, iterations * BATCH, DIM);
            config = GclConfig.builder().variant(Variant.GCL_B).epochs(1).batchSize(BATCH).seed(1).build();
        }
    }

    @Benchmark
    public GclModel gclBEpoch(Run r) {
        int threads = Runtime.getRuntime().availableProcessors();
        return new Gcl(r.config).withBackend(Backends.supplier(r.backend, threads)).fit(r.data);
    }
}
