package dev.gcl.train;

import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.io.FeatureRows;
import dev.gcl.io.MappedFeatureRows;
import dev.gcl.io.NpyWriter;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Training data of more than 2^31 elements (a Java array's limit): 3 Mi rows x D 1024, a 12 GiB sparse .npy file
 * that takes almost no disk, memory-mapped. The first batches' rows hold values, every other row zeros; a few
 * iterations of gcl-b on the reference backend must gather exactly those rows, including rows past element 2^31.
 */
class BeyondTwoGigaElementsTest {
    private static final int DIM = 1024;
    private static final int ROWS = 3 << 20;
    private static final int BATCH = 64;
    private static final int ITERATIONS = 3;
    private static final long SEED = 5;

    @TempDir
    Path dir;

    private static float value(int row, int j) {
        return 0.25f + (row % 1009) / 1009f + j / 4096f;
    }

    @Test
    void aFewIterationsGatherTheRightRowsPastElementTwoToThe31() throws IOException {
        assertTrue((long) ROWS * DIM > Integer.MAX_VALUE);
        Path file = dir.resolve("huge.npy");
        byte[] header = NpyWriter.header("<f4", false, new long[] {ROWS, DIM});
        long bytes = header.length + (long) ROWS * DIM * Float.BYTES;
        assumeTrue(Files.getFileStore(dir).getUsableSpace() > (1L << 30), "less than 1 GiB free for a sparse file");
        // the rows the first iterations of gcl-b will gather: the cooperative phase's epoch-0 permutation
        int[] perm = new RandomStream(SEED, Purpose.SHUFFLE, 0).permutation(ROWS);
        int[] marked = java.util.Arrays.copyOf(perm, BATCH * ITERATIONS);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);   // sparse: unwritten rows read as zeros and take no disk
            f.write(header);
            ByteBuffer row = ByteBuffer.allocate(DIM * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int r : marked) {
                row.clear();
                for (int j = 0; j < DIM; j++) row.putFloat(value(r, j));
                f.seek(header.length + (long) r * DIM * Float.BYTES);
                f.write(row.array());
            }
        }
        try {
            MappedFeatureRows rows = new MappedFeatureRows.Builder(DIM).add(file, header.length, ROWS).build();
            assertEquals(ROWS, rows.rows());
            assertTrue(rows.chunkCount() >= 6, "12 GiB in chunks of at most 2 GiB");
            int pastLimit = 0;
            for (int r : marked) if ((long) r * DIM >= 1L << 31) pastLimit++;
            assertTrue(pastLimit > 0, "some marked rows start past element 2^31");

            List<int[]> gatheredRows = new ArrayList<>();
            List<float[]> gatheredValues = new ArrayList<>();
            ForwardingBackend recording = new ForwardingBackend(new ReferenceBackend(1)) {
                @Override
                public void gatherHostRows(FeatureRows source, int[] indices, int off, DeviceFloats dst, int n) {
                    super.gatherHostRows(source, indices, off, dst, n);
                    gatheredRows.add(java.util.Arrays.copyOfRange(indices, off, off + n));
                    gatheredValues.add(read(dst, n * DIM));
                }
            };
            GclConfig config = GclConfig.builder().variant(Variant.GCL_B).seed(SEED).batchSize(BATCH).epochs(1)
                    .generatorHidden(new int[] {8}).discriminatorHidden(new int[] {4}).build();
            StopAfter stop = new StopAfter(ITERATIONS);
            GclTrainer trainer = new GclTrainer(config, recording, null).withCheckpoints(stop);
            assertThrows(TrainingStoppedException.class, () -> trainer.train(TrainingData.flat(rows)));
            recording.close();

            assertEquals(ITERATIONS, gatheredRows.size());
            assertTrue(Double.isFinite(stop.lastLoss), "losses of the last iteration: " + stop.lastLoss);
            for (int i = 0; i < ITERATIONS; i++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(marked, i * BATCH, (i + 1) * BATCH), gatheredRows.get(i));
                float[] x = gatheredValues.get(i);
                for (int b = 0; b < BATCH; b++) {
                    int r = gatheredRows.get(i)[b];
                    for (int j = 0; j < DIM; j += 97) assertEquals(value(r, j), x[b * DIM + j], 0f, "row " + r);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Stops training at the boundary after {@code n} iterations (a checkpoint is "written": the state is kept). */
    private static final class StopAfter implements CheckpointPolicy {
        private final int n;
        private int boundaries;
        double lastLoss = Double.NaN;

        StopAfter(int n) {
            this.n = n;
        }

        @Override
        public boolean due(TrainerState.Position next, boolean epochEnd) {
            return false;
        }

        @Override
        public void write(TrainerState state) {
            lastLoss = state.epochProgress().generatorLossSum();
        }

        @Override
        public boolean stopRequested() {
            return ++boundaries >= n;   // asked once at each boundary, before due
        }
    }
}
