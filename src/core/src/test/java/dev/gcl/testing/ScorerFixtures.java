package dev.gcl.testing;

import dev.gcl.nn.HostInference;
import dev.gcl.nn.NetworkWeights;

import java.util.Arrays;
import java.util.Random;

/** What the fast scorers' tests hold them to: random rows, and the reference arithmetic's scores of them. */
public final class ScorerFixtures {
    private ScorerFixtures() {}

    /** rows × dim standard Gaussian floats of this seed. */
    public static float[] randomRows(int rows, int dim, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * dim];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    /** The reference's single output of a one-unit network (D's probability) for each row. */
    public static double[] referenceValue(NetworkWeights net, float[] x, int rows) {
        float[] y = HostInference.forward(net, x, 0, rows, new HostInference.Scratch(net, rows));
        return Validate.toDouble(Arrays.copyOf(y, rows));
    }

    /** The reference's reconstruction error mean_j (y_j − x_j)² of each row, summed in double, stored as float. */
    public static double[] referenceReconstructionError(NetworkWeights net, float[] x, int rows) {
        int dim = net.inputDim();
        float[] y = HostInference.forward(net, x, 0, rows, new HostInference.Scratch(net, rows));
        double[] err = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < dim; j++) {
                double d = (double) y[r * dim + j] - x[r * dim + j];
                sum += d * d;
            }
            err[r] = (float) (sum / dim);
        }
        return err;
    }
}
