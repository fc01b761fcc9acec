package dev.gcl.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

import java.util.Arrays;
import java.util.Locale;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

/**
 * The floor of a small-batch gcl-b iteration on the blas backend: its OpenBLAS products alone, one thread, warm
 * caches, the same list as benchmarks/small_batch_floor.py times in PyTorch (paper networks, D 768, B 64: G
 * forward 6, D forward 3 twice, D backward 3 dW + 2 dIn, G backward 6 dW + 5 dIn). Median of 60 iterations.
 *
 * <pre>java -cp target/test-classes:target/classes:'target/lib/*' \
 *     dev.gcl.bench.SmallBatchProducts [rows 64] [dim 768]</pre>
 */
public final class SmallBatchProducts {
    private SmallBatchProducts() {
    }

    private record Layer(int in, int out, FloatPointer w, FloatPointer x, FloatPointer dy, FloatPointer y,
                         FloatPointer dx, FloatPointer dw) {
        static Layer of(int rows, int in, int out) {
            return new Layer(in, out, filled((long) in * out), filled((long) rows * in), filled((long) rows * out),
                    new FloatPointer((long) rows * out), new FloatPointer((long) rows * in),
                    new FloatPointer((long) in * out));
        }
    }

    private static FloatPointer filled(long n) {
        FloatPointer p = new FloatPointer(n);
        for (long i = 0; i < n; i++) p.put(i, (float) Math.sin(i) * 0.01f);
        return p;
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 768;
        openblas.blas_set_num_threads(1);
        int[] g = {dim, 1024, 512, 256, 512, 1024, dim}, d = {dim, 512, 32, 1};
        Layer[] gl = new Layer[g.length - 1], dl = new Layer[d.length - 1];
        for (int l = 0; l < gl.length; l++) gl[l] = Layer.of(rows, g[l], g[l + 1]);
        for (int l = 0; l < dl.length; l++) dl[l] = Layer.of(rows, d[l], d[l + 1]);
        double[] ms = new double[65];
        for (int it = 0; it < ms.length; it++) {
            long t0 = System.nanoTime();
            products(rows, gl, 1);
            products(rows, dl, 2);
            ms[it] = (System.nanoTime() - t0) / 1e6;
        }
        double[] kept = Arrays.copyOfRange(ms, 5, ms.length);
        Arrays.sort(kept);
        System.out.printf(Locale.ROOT, "%s, 1 thread, B %d, D %d: products alone %.2f ms (median of %d)%n",
                openblas.OPENBLAS_VERSION.trim(), rows, dim, kept[kept.length / 2], kept.length);
    }

    private static void products(int rows, Layer[] net, int forwards) {
        for (int l = 0; l < net.length; l++) {
            Layer a = net[l];
            for (int f = 0; f < forwards; f++) {  // y = x · wᵀ
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, a.out, a.in, 1f, a.x, a.in, a.w, a.in, 0f,
                        a.y, a.out);
            }
            // dW = dyᵀ · x
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, a.out, a.in, rows, 1f, a.dy, a.out, a.x, a.in, 0f,
                    a.dw, a.in);
            if (l > 0) {  // dIn = dy · w
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, a.in, a.out, 1f, a.dy, a.out, a.w, a.in,
                        0f, a.dx, a.in);
            }
        }
    }
}
