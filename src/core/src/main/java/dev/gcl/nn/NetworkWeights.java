package dev.gcl.nn;

import dev.gcl.backend.Activation;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

import java.util.Arrays;

/**
 * Host-side weights of a fully connected network {@code dims[0] -> dims[1] -> ... -> dims[L]}: ReLU after every
 * hidden layer, {@code outputActivation} after the last. Layer l has weight (dims[l+1], dims[l]) and bias
 * (dims[l+1]), row-major, as PyTorch's {@code nn.Linear} stores them.
 *
 * <p>Immutable once built: arrays are copied in and out. Safe to share between threads.
 */
public final class NetworkWeights {
    private final int[] dims;
    private final Activation outputActivation;
    private final float[][] weights;
    private final float[][] biases;

    public NetworkWeights(int[] dims, Activation outputActivation, float[][] weights, float[][] biases) {
        if (dims.length < 2) throw new IllegalArgumentException("a network needs at least 2 dims");
        for (int d : dims) if (d <= 0) throw new IllegalArgumentException("layer sizes must be > 0: " + Arrays.toString(dims));
        int layers = dims.length - 1;
        if (weights.length != layers || biases.length != layers) {
            throw new IllegalArgumentException("expected " + layers + " weight and bias arrays");
        }
        this.dims = dims.clone();
        this.outputActivation = outputActivation;
        this.weights = new float[layers][];
        this.biases = new float[layers][];
        for (int l = 0; l < layers; l++) {
            if (weights[l].length != dims[l + 1] * dims[l] || biases[l].length != dims[l + 1]) {
                throw new IllegalArgumentException("layer " + l + ": expected weight " + dims[l + 1] + "x" + dims[l]
                        + " and bias " + dims[l + 1]);
            }
            this.weights[l] = weights[l].clone();
            this.biases[l] = biases[l].clone();
        }
    }

    /**
     * PyTorch's default {@code nn.Linear} initialisation: every weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
     * drawn from the INIT stream {@code firstStreamId + 2l} (weights of layer l) and {@code firstStreamId + 2l + 1}
     * (biases), element i from uniform u_i as bound·(2u_i - 1) computed in double.
     */
    public static NetworkWeights initialise(int[] dims, Activation outputActivation, long seed, int firstStreamId) {
        int layers = dims.length - 1;
        float[][] w = new float[layers][];
        float[][] b = new float[layers][];
        for (int l = 0; l < layers; l++) {
            double bound = 1.0 / Math.sqrt(dims[l]);
            w[l] = uniform(new RandomStream(seed, Purpose.INIT, firstStreamId + 2 * l), dims[l + 1] * dims[l], bound);
            b[l] = uniform(new RandomStream(seed, Purpose.INIT, firstStreamId + 2 * l + 1), dims[l + 1], bound);
        }
        return new NetworkWeights(dims, outputActivation, w, b);
    }

    private static float[] uniform(RandomStream s, int n, double bound) {
        float[] u = new float[n];
        s.fillUniform(u, 0, n, 0);
        for (int i = 0; i < n; i++) u[i] = (float) (bound * (2.0 * u[i] - 1.0));
        return u;
    }

    public int layers() {
        return dims.length - 1;
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Width of layer boundary i: dims[0] is the input, dims[layers()] the output. */
    public int dim(int i) {
        return dims[i];
    }

    public int inputDim() {
        return dims[0];
    }

    public int outputDim() {
        return dims[dims.length - 1];
    }

    public Activation outputActivation() {
        return outputActivation;
    }

    /** Activation after layer l: ReLU for hidden layers, the output activation for the last. */
    public Activation activation(int l) {
        return l == layers() - 1 ? outputActivation : Activation.RELU;
    }

    public float[] weight(int l) {
        return weights[l].clone();
    }

    public float[] bias(int l) {
        return biases[l].clone();
    }

    /** Number of trainable parameters. */
    public long parameterCount() {
        long n = 0;
        for (int l = 0; l < layers(); l++) n += weights[l].length + biases[l].length;
        return n;
    }

    /** True when dims, activations and every parameter are bit-identical. */
    public boolean bitEquals(NetworkWeights o) {
        if (!Arrays.equals(dims, o.dims) || outputActivation != o.outputActivation) return false;
        for (int l = 0; l < layers(); l++) {
            if (!Arrays.equals(weights[l], o.weights[l]) || !Arrays.equals(biases[l], o.biases[l])) return false;
        }
        return true;
    }

    /** Package-private views without copying, for host-side inference. */
    float[] weightView(int l) {
        return weights[l];
    }

    float[] biasView(int l) {
        return biases[l];
    }
}
