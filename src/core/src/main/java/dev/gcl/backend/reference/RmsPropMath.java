package dev.gcl.backend.reference;

/**
 * One RMSprop step on one element with PyTorch's semantics ({@code torch.optim.RMSprop}, centered = false,
 * weight_decay = 0), in double.
 */
public final class RmsPropMath {
    private RmsPropMath() {}

    /**
     * state = {param, squareAvg, momentumBuf}, updated in place:
     * v = alpha·v + (1 - alpha)·g²; buf = momentum·buf + g / (sqrt(v) + eps); param -= lr·buf.
     */
    public static void step(double[] state, double g, double lr, double alpha, double eps, double momentum) {
        double v = alpha * state[1] + (1.0 - alpha) * g * g;
        double buf = momentum * state[2] + g / (Math.sqrt(v) + eps);
        state[0] -= lr * buf;
        state[1] = v;
        state[2] = buf;
    }
}
