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
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU scoring throughput of {@link GclModel} (the embedding API), in segments per second, with the paper's
 * networks (G [D, 1024, 512, 256, 512, 1024, D], D [D, 512, 32, 1]) for D = 2048 (I3D) and 4096 (C3D), scored by
 * D (the default) and by reconstruction error, on 1 thread and on all cores, with the fast scorer (OpenBLAS) and
 * the core's pure-Java FP32 scorer ("java") and the reference arithmetic. One shared model, per-thread inputs and outputs: the way a service embeds it. Plus D's
 * score of one 8192-row batch and of a single row (latency), the shapes of benchmarks/pytorch_cpu.py.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ScoringBenchmark {
    static final int ROWS = 64;

    @State(Scope.Benchmark)
    public static class Model {
        @Param({"2048", "4096"})
        public int dim;
        @Param({"fast", "java", "reference"})
        public String scorer;
        GclModel model;

        @Setup
        public void build() {
            GclConfig c = GclConfig.builder().variant(Variant.GCL_PT).build();
            NetworkWeights g = NetworkWeights.initialise(c.generatorDims(dim), Activation.IDENTITY, 1, 0);
            NetworkWeights d = NetworkWeights.initialise(c.discriminatorDims(dim), Activation.SIGMOID, 1, 1000);
            model = GclModel.of(c, g, d, List.of()).withScorer(scorer, Runtime.getRuntime().availableProcessors());
        }
    }

    @State(Scope.Thread)
    public static class Batch {
        float[] x;
        float[] out = new float[ROWS];

        @Setup
        public void fill(Model m) {
            x = new float[ROWS * m.dim];
            new RandomStream(7, Purpose.TEST, (int) Thread.currentThread().getId()).fillUniform(x, 0, x.length, 0);
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(ROWS)
    public float[] discriminatorOneThread(Model m, Batch b) {
        m.model.score(ScoreSource.DISCRIMINATOR, b.x, ROWS, b.out);
        return b.out;
    }

    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(ROWS)
    public float[] discriminatorAllThreads(Model m, Batch b) {
        m.model.score(ScoreSource.DISCRIMINATOR, b.x, ROWS, b.out);
        return b.out;
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(ROWS)
    public float[] reconstructionOneThread(Model m, Batch b) {
        m.model.score(ScoreSource.RECONSTRUCTION, b.x, ROWS, b.out);
        return b.out;
    }

    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(ROWS)
    public float[] reconstructionAllThreads(Model m, Batch b) {
        m.model.score(ScoreSource.RECONSTRUCTION, b.x, ROWS, b.out);
        return b.out;
    }

    static final int BIG_BATCH = 8192;

    @State(Scope.Thread)
    public static class BigBatch {
        float[] x;
        float[] out = new float[BIG_BATCH];
        float[] row;

        @Setup
        public void fill(Model m) {
            x = new float[BIG_BATCH * m.dim];
            new RandomStream(7, Purpose.TEST, 99).fillUniform(x, 0, x.length, 0);
            row = java.util.Arrays.copyOf(x, m.dim);
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BIG_BATCH)
    public float[] discriminatorBatch8192(Model m, BigBatch b) {
        m.model.score(ScoreSource.DISCRIMINATOR, b.x, BIG_BATCH, b.out);
        return b.out;
    }

    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float discriminatorSingleRowLatency(Model m, BigBatch b) {
        return m.model.score(b.row);
    }
}
