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

    /** dy/dz given the output y, in double. */
    public double derivativeFromOutput(double y) {
        switch (this) {
            case RELU: return y > 0 ? 1.0 : 0.0;
            case SIGMOID: return y * (1.0 - y);
            default: return 1.0;
        }
    }
}
