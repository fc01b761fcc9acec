package dev.gcl.nn;

import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.io.InvalidInputException;

/**
 * A fully connected network living on a backend: parameters, gradients, RMSprop state and the activations of the
 * last forward pass, sized for batches of up to {@code maxRows} rows.
 *
 * <p>Lifecycle: create from {@link NetworkWeights}; per step call {@link #forward}, then {@link #backwardAndStep}
 * with the gradient of the loss w.r.t. the output; {@link #download()} reads the weights back;
 * {@link #close()} frees the buffers. Not thread-safe.
 */
public final class Network implements AutoCloseable {
    private final Backend backend;
    private final NetworkWeights shape;
    private final int maxRows;
    private final int layers;
    private final int[] dims;
    private final DeviceFloats[] w, b, dW, dB, vW, vB, mW, mB;
    /** act[l] is the output of layer l, (maxRows, dims[l+1]). */
    private final DeviceFloats[] act;
    /** grad[l] is d loss / d act[l] for hidden layers l < layers - 1. */
    private final DeviceFloats[] grad;
    private DeviceFloats lastInput;
    private int lastRows = -1;

    public Network(Backend backend, NetworkWeights weights, int maxRows) {
        this.backend = backend;
        this.shape = weights;
        this.maxRows = maxRows;
        this.layers = weights.layers();
        this.dims = weights.dims();
        w = new DeviceFloats[layers];
        b = new DeviceFloats[layers];
        dW = new DeviceFloats[layers];
        dB = new DeviceFloats[layers];
        vW = new DeviceFloats[layers];
        vB = new DeviceFloats[layers];
        mW = new DeviceFloats[layers];
        mB = new DeviceFloats[layers];
        act = new DeviceFloats[layers];
        grad = new DeviceFloats[layers];
        for (int l = 0; l < layers; l++) {
            int nw = dims[l + 1] * dims[l], nb = dims[l + 1];
            w[l] = upload(weights.weightView(l));
            b[l] = upload(weights.biasView(l));
            dW[l] = backend.allocFloats(nw);
            dB[l] = backend.allocFloats(nb);
            vW[l] = backend.allocFloats(nw);
            vB[l] = backend.allocFloats(nb);
            mW[l] = backend.allocFloats(nw);
            mB[l] = backend.allocFloats(nb);
            act[l] = backend.allocFloats(maxRows * dims[l + 1]);
            if (l < layers - 1) grad[l] = backend.allocFloats(maxRows * dims[l + 1]);
        }
    }

    /** Copies RMSprop's state back to the host (for checkpoints). */
    public OptimizerState downloadOptimizer() {
        return new OptimizerState(hostCopy(vW), hostCopy(vB), hostCopy(mW), hostCopy(mB));
    }

    /** Replaces the parameters and RMSprop's state (resuming from a checkpoint); shapes must match. */
    public void restore(NetworkWeights weights, OptimizerState state) {
        if (!java.util.Arrays.equals(weights.dims(), dims)) {
            throw new InvalidInputException("checkpoint dims " + java.util.Arrays.toString(weights.dims())
                    + " differ from the network's " + java.util.Arrays.toString(dims));
        }
        for (int l = 0; l < layers; l++) {
            put(w[l], weights.weightView(l));
            put(b[l], weights.biasView(l));
            put(vW[l], state.squareAvgWeight()[l]);
            put(vB[l], state.squareAvgBias()[l]);
            put(mW[l], state.momentumWeight()[l]);
            put(mB[l], state.momentumBias()[l]);
        }
    }

    private void put(DeviceFloats dst, float[] src) {
        if (src.length != dst.length()) {
            throw new InvalidInputException("checkpoint array of " + src.length + " floats, expected " + dst.length());
        }
        backend.upload(src, 0, dst, 0, src.length);
    }

    private float[][] hostCopy(DeviceFloats[] group) {
        float[][] out = new float[layers][];
        for (int l = 0; l < layers; l++) {
            out[l] = new float[group[l].length()];
            backend.download(group[l], 0, out[l], 0, out[l].length);
        }
        return out;
    }

    private DeviceFloats upload(float[] a) {
        DeviceFloats d = backend.allocFloats(a.length);
        backend.upload(a, 0, d, 0, a.length);
        return d;
    }

    public int inputDim() {
        return dims[0];
    }

    public int outputDim() {
        return dims[layers];
    }

    public int maxRows() {
        return maxRows;
    }

    /** Runs the network on input (rows, dims[0]); returns the output buffer (rows, dims[L]), valid until the next forward. */
    public DeviceFloats forward(DeviceFloats input, int rows) {
        checkRows(rows);
        DeviceFloats x = input;
        for (int l = 0; l < layers; l++) {
            backend.denseForward(x, w[l], b[l], act[l], rows, dims[l], dims[l + 1], shape.activation(l));
            x = act[l];
        }
        lastInput = input;
        lastRows = rows;
        return act[layers - 1];
    }

    /**
     * Gradients of all parameters from dOutput (rows, dims[L]) = d loss / d output, using the activations of the
     * last {@link #forward} (which must have been on the same input and row count), and one RMSprop step on each
     * layer as soon as its gradients are complete, top layer first.
     *
     * <p>Stepping layer l before back-propagating into layer l - 1 changes no value: the step is element-wise,
     * and layer l's weights were already used (for dIn) by the time they change. A layer's update then follows its
     * backward while its gradient may still be in cache; an A/B at B 8192 (benchmarks/README.md) measured no
     * difference either way.
     *
     * <p>Every step is skipped on the device when any of guard[0, guardLength) is not finite (guard null: never).
     */
    public void backwardAndStep(DeviceFloats input, DeviceFloats dOutput, int rows, RmsPropConfig c,
                                DeviceFloats guard, int guardLength) {
        if (input != lastInput || rows != lastRows) {
            throw new IllegalStateException("backward must follow a forward on the same input and rows");
        }
        DeviceFloats dOut = dOutput;
        for (int l = layers - 1; l >= 0; l--) {
            DeviceFloats in = l == 0 ? input : act[l - 1];
            DeviceFloats dIn = l == 0 ? null : grad[l - 1];
            backend.denseBackward(in, w[l], act[l], dOut, dIn, dW[l], dB[l], rows, dims[l], dims[l + 1],
                    shape.activation(l));
            backend.rmsprop(w[l], dW[l], vW[l], mW[l], w[l].length(), c.lr(), c.alpha(), c.eps(), c.momentum(),
                    guard, guardLength);
            backend.rmsprop(b[l], dB[l], vB[l], mB[l], b[l].length(), c.lr(), c.alpha(), c.eps(), c.momentum(),
                    guard, guardLength);
            dOut = dIn;
        }
    }

    /** Copies the current parameters back to the host. */
    public NetworkWeights download() {
        return new NetworkWeights(dims, shape.outputActivation(), hostCopy(w), hostCopy(b));
    }

    private void checkRows(int rows) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("rows must be in [1, " + maxRows + "], got " + rows);
        }
    }

    @Override
    public void close() {
        for (DeviceFloats[] group : new DeviceFloats[][] {w, b, dW, dB, vW, vB, mW, mB, act, grad}) {
            for (DeviceFloats d : group) if (d != null) backend.free(d);
        }
    }
}
