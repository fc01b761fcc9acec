package dev.gcl.backend.cuda;

import dev.gcl.testing.Validate;

/**
 * Every tolerance of the CUDA backend against the CPU reference, in one place: an element passes when
 * |gpu - cpu| <= atol + rtol·|cpu|. Zero means bit-equal: those ops use the reference's double arithmetic in its
 * operation order with -fmad=false, or only copy and compare. The others differ by design: FP32 GEMMs
 * (the reference sums in double), double sums in a tree order, and CUDA's libdevice log/sin/cos.
 */
final class ParityTolerances {
    private ParityTolerances() {}

    record Tolerance(double atol, double rtol) {}

    /** By op family, the kernel name before any space ("dense_backward dW" is dense_backward). */
    static Tolerance of(String op) {
        String family = op.split(" ")[0];
        switch (family) {
            case "dense_forward":
                return new Tolerance(1e-4, 1e-4);       // FP32 sums of up to a few hundred products
            case "dense_backward":
                return new Tolerance(2e-4, 1e-4);       // dW sums over all rows
            case "row_mse":
            case "mean_std":
            case "bce_loss":
            case "bce_grad":
            case "weighted_mse":
            case "unweighted":
                return new Tolerance(2e-6, 2e-6);       // double sums in another order, rounded to float
            case "philox_normal":
                return new Tolerance(1e-6, 1e-6);       // libdevice log/sin/cos vs StrictMath: a float ulp
            case "threshold_labels":
            case "min_max_scale":
            case "nl_targets":
            case "rmsprop":
            case "gather_rows":
            case "philox_uniform":
                return new Tolerance(0, 0);             // bit-equal
            default:
                throw new IllegalArgumentException("no tolerance for op " + op);
        }
    }

    /** For BackendContractTest (atol = rtol): never stricter than its default 2e-6. */
    static double contract(String op) {
        Tolerance t = of(op);
        return Math.max(2e-6, Math.max(t.atol(), t.rtol()));
    }

    /** Fails with the worst element when gpu and cpu differ by more than op's tolerance. */
    static void check(String op, float[] gpu, float[] cpu) {
        Tolerance t = of(op);
        Validate.close(op + " (cuda vs cpu)", gpu, Validate.toDouble(cpu), t.atol(), t.rtol());
    }
}
