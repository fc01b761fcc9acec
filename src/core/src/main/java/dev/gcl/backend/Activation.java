package dev.gcl.backend;

/** Activation fused into a dense layer. The derivative is expressed through the layer's saved output y. */
public enum Activation {
    /** y = z; dy/dz = 1. */
    IDENTITY,
    /** y = max(z, 0); dy/dz = 1 if y > 0 else 0. */
    RELU,
    /** y = 1 / (1 + exp(-z)); dy/dz = y (1 - y). */
    SIGMOID;

    /** y = act(z), in double. */
    public double apply(double z) {
        switch (this) {
            case RELU: return z > 0 ? z : 0.0;
            case SIGMOID: return 1.0 / (1.0 + StrictMath.exp(-z));
            default: return z;
        }
    }

    /**
     * (float) RELU.apply(z) for every float z (NaN and -0 included), without a data-dependent branch: about half of
     * a layer's ReLU inputs are negative, so a branch mispredicts on every other element (3-5× slower here).
     */
    public static float relu(float z) {
        int bits = Float.floatToRawIntBits(z);
        return Float.intBitsToFloat(bits & -reluStep(bits));
    }

    /**
     * RELU.derivativeFromOutput(y) as an int (1 if y > 0, else 0; NaN gives 0) for every float y, without a
     * data-dependent branch.
     */
    public static int reluStep(float y) {
        return reluStep(Float.floatToRawIntBits(y));
    }

    /** 1 when the bits are those of a float in (0, +inf]: t = bits − 1 lies in [0, 0x7f800000) exactly then. */
    private static int reluStep(int bits) {
        int t = bits - 1;
        return (~t & (t - 0x7f800000)) >>> 31;
    }

    /** dy/dz given the output y, in double. */
    public double derivativeFromOutput(double y) {
        switch (this) {
            case RELU: return y > 0 ? 1.0 : 0.0;
            case SIGMOID: return y * (1.0 - y);
            default: return 1.0;
        }
    }
}
