package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The memory-bound kernels' launch shapes: dB's two passes (chunks of rows, then the chunks' sum), checked bit for
 * bit against the same order computed here, and the one-warp-per-row kernels (gather_rows) at column counts below,
 * at and above a warp, with more rows than one launch's warps so the grid-stride loop runs.
 */
class MemoryBoundKernelsTest {
    private CudaBackend cuda;

    @BeforeEach
    void open() {
        cuda = CudaTesting.backendOrSkip();
    }

    @AfterEach
    void close() {
        if (cuda != null) cuda.close();
    }

    @Test
    void chunksGiveEnoughBlocksAndDependOnTheShapeOnly() {
        // width 2048 (64 column blocks): 16 chunks of 512 rows at B = 8192, 1024 blocks
        assertEquals(512, CudaBackend.biasChunkRows(8192, 2048));
        // one column block (D's 32- and 1-wide layers): as many chunks as 256-row chunks allow
        assertEquals(256, CudaBackend.biasChunkRows(8192, 1));
        assertEquals(256, CudaBackend.biasChunkRows(100, 2048), "never fewer than 256 rows per chunk");
        for (int rows : new int[] {1, 31, 257, 8192, 100_000}) {
            for (int outDim : new int[] {1, 32, 33, 2048}) {
                int chunkRows = CudaBackend.biasChunkRows(rows, outDim);
                assertEquals(0, chunkRows % 32, "whole lanes");
                assertTrue((rows + chunkRows - 1) / chunkRows <= 1024, "grid.y within limits");
            }
        }
    }

    @Test
    void biasGradientSumsChunksOfRowsInAFixedOrder() {
        for (int[] shape : new int[][] {{1, 1}, {300, 33}, {1000, 70}, {2085, 5}}) {
            int rows = shape[0], outDim = shape[1], inDim = 3;
            Random random = new Random(rows * 31L + outDim);
            float[] dOut = new float[rows * outDim];
            for (int i = 0; i < dOut.length; i++) dOut[i] = (float) random.nextGaussian() * (1 + i % 7);
            DeviceFloats in = cuda.allocFloats(rows * inDim), w = cuda.allocFloats(outDim * inDim);
            DeviceFloats out = cuda.allocFloats(rows * outDim), dy = cuda.allocFloats(rows * outDim);
            DeviceFloats dW = cuda.allocFloats(outDim * inDim), dB = cuda.allocFloats(outDim);
            cuda.upload(dOut, 0, dy, 0, dOut.length);
            // identity: dz = dOut exactly (a double product by 1, rounded once)
            cuda.denseBackward(in, w, out, dy, null, dW, dB, rows, inDim, outDim, Activation.IDENTITY);
            float[] got = new float[outDim];
            cuda.download(dB, 0, got, 0, outDim);

            int chunkRows = CudaBackend.biasChunkRows(rows, outDim);
            for (int o = 0; o < outDim; o++) {
                double total = 0;
                for (int begin = 0; begin < rows; begin += chunkRows) {
                    int end = Math.min(rows, begin + chunkRows);
                    double[] lanes = new double[32];
                    for (int lane = 0; lane < 32; lane++)
                        for (int r = begin + lane; r < end; r += 32) lanes[lane] += dOut[r * outDim + o];
                    double chunk = 0;
                    for (double l : lanes) chunk += l;
                    total += chunk;
                }
                assertEquals((float) total, got[o], 0f, "dB[" + o + "] of " + rows + " x " + outDim);
            }
        }
    }

    @Test
    void gatherCopiesWholeRowsAtAnyWidth() {
        int srcRows = 50;
        for (int cols : new int[] {1, 31, 32, 33, 100}) {
            int rows = CudaTesting.trimmed() ? 2_000 : 20_000;  // 250 or 2,500 blocks of 8 warps, a warp per row
            float[] src = new float[srcRows * cols];
            for (int i = 0; i < src.length; i++) src[i] = i;
            int[] order = new int[rows + 3];
            for (int i = 0; i < order.length; i++) order[i] = (i * 7) % srcRows;
            DeviceFloats s = cuda.allocFloats(src.length), dst = cuda.allocFloats(rows * cols);
            DeviceInts idx = cuda.allocInts(order.length);
            cuda.upload(src, 0, s, 0, src.length);
            cuda.upload(order, 0, idx, 0, order.length);
            cuda.gatherRows(s, idx, 3, dst, rows, cols);
            float[] got = new float[rows * cols];
            cuda.download(dst, 0, got, 0, got.length);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++)
                    assertEquals(src[order[3 + r] * cols + j], got[r * cols + j], 0f, "row " + r + " col " + j);
            cuda.free(s);
            cuda.free(dst);
            cuda.free(idx);
        }
    }
}
