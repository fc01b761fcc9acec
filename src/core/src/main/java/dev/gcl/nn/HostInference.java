package dev.gcl.nn;

import dev.gcl.backend.reference.DenseMath;

/**
 * Forward passes on the host with the reference arithmetic, for scoring outside training. Stateless apart from the
 * caller's scratch, so one {@link NetworkWeights} can serve many threads, each with its own {@link Scratch}.
 */
public final class HostInference {
    private HostInference() {}

    /** Per-thread activation buffers for up to {@code maxRows} rows. */
    public static final class Scratch {
        final float[][] act;
        final int maxRows;

        public Scratch(NetworkWeights net, int maxRows) {
            this.maxRows = maxRows;
            act = new float[net.layers()][];
            for (int l = 0; l < act.length; l++) act[l] = new float[maxRows * net.dim(l + 1)];
        }

        public int maxRows() {
            return maxRows;
        }
    }

    /**
     * Runs the network on rows [firstRow, firstRow + rows) of x (anything, inputDim) and returns the scratch array
     * holding the output (rows, outputDim) in its first rows·outputDim elements. Allocates nothing.
     */
    public static float[] forward(NetworkWeights net, float[] x, int firstRow, int rows, Scratch scratch) {
        if (rows > scratch.maxRows) throw new IllegalArgumentException("scratch holds " + scratch.maxRows + " rows");
        float[] in = x;
        int base = firstRow;
        for (int l = 0; l < net.layers(); l++) {
            DenseMath.forwardRows(in, base, net.weightView(l), net.biasView(l), scratch.act[l], 0, rows,
                    net.dim(l), net.dim(l + 1), net.activation(l));
            in = scratch.act[l];
            base = 0;
        }
        return in;
    }
}
