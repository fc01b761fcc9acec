package dev.gcl.verify;

import dev.gcl.backend.Precision;

import java.util.Locale;

/**
 * Every tolerance of a backend (CUDA, or the OpenBLAS CPU backend) against the CPU reference, in one place. An element passes when
 * {@code |got - ref| <= atol + rtol·|ref| + productRtol·Σ_k |a_k·b_k|}, the last term only for the products of a
 * TF32 GEMM (Σ_k |a_k·b_k| is the sum of the magnitudes of the products that make the element).
 *
 * <p>FP32 (the default). Zero means bit-equal: those ops use the reference's double arithmetic in its operation
 * order with -fmad=false, or only copy and compare. The others differ by design: FP32 GEMMs (the reference sums in
 * double), double sums in a tree order, and CUDA's libdevice log/sin/cos.
 *
 * <p>TF32 (dense products only; every other op keeps its FP32 tolerance). Each input is rounded to 10 mantissa bits
 * with round-to-nearest (cvt.rna.tf32.f32, unit roundoff u = 2^-11), so each product a·b carries a relative error
 * of at most 2u + u² ≈ 9.8e-4. The accumulation is the tensor cores': per published measurements (Fasi, Higham,
 * Mikaitis, Pranesh, "Numerical behavior of NVIDIA tensor cores", PeerJ Comput. Sci. 7:e330, 2021) the products are
 * exact, and each fused addition of n products and the accumulator aligns its n + 1 terms to the largest exponent
 * E among them, truncates each below 2^(E-23) and truncates the normalized sum to FP32. One such addition therefore
 * loses less than n·2^(E-23) (the largest term is not cut) plus 2^-23 of its result, and 2^E as well as the result
 * are at most the Σ|a·b| of the products summed so far: (n + 1)·2^-23·Σ|a·b| per n products, at most
 * 2·2^-23·Σ|a·b| per product whatever n (n = 1 is the worst case), so 2K·2^-23 for K products; the errors compound
 * at second order, hence γ = 2K·2^-23 / (1 − 2K·2^-23), relative to the rounded inputs' Σ|ã·b̃| ≤ (1 + 2u + u²)·Σ|a·b|.
 * (Round-to-nearest accumulation would cost half as much; the bound before 2026-12 budgeted K·2^-23, which
 * truncation can exceed by about 1/n.) The output's rounding to float adds 2^-24·|ref| on either side. Hence
 * productRtol = 2u + u² + 2^-22 + (1 + 2u + u²)·γ and rtol = 2^-22: a worst-case bound, not a statistical one, so
 * it cannot fail by bad luck under that model of the hardware, and still rejects any wrong or missing k slice at
 * the parity sizes (K up to a few thousand). At the trainer's largest K (8192 rows of a dW) the accumulation term
 * is 2^-9: the stand-in's twin of the mma, which truncates in that way, is held to it there
 * (DenseGemmTf32KernelsTest). The activation epilogue cannot widen it: identity and ReLU are 1-Lipschitz, sigmoid
 * 1/4.
 *
 * <p>The OpenBLAS backend ({@link #blasFp32()}): its GEMMs multiply and sum in FP32 (u = 2^-24, round to
 * nearest); every other op but the MSE ops and RMSprop (below) repeats the reference's double arithmetic in its
 * order, so those are bit-equal, dB included (it is summed in double from the unrounded dz). Whatever order and
 * blocking sgemm uses, each product passes through at most K roundings, so an FP32 sum of K products is within γ_K·Σ|a·b| of the exact sum, with
 * γ_K = K·u / (1 − K·u) (Higham, Accuracy and Stability, §3.1); dIn and dW also take dz rounded to float (one more
 * u relative to each product); both outputs are rounded to float (u·|ref| each side, so 2^-23·|ref|). Hence
 * productRtol = γ_K (+ u for dIn, dW), rtol = 2^-22 (2^-23 with a factor 2 for the second-order terms) and
 * atol = 2^-126 (subnormal results): again a worst-case bound that holds for any correct FP32 GEMM and rejects a
 * wrong or missing term.
 *
 * <p>Row MSE and weighted MSE on the OpenBLAS backend sum each row's squares in FP32 lanes (BlasVectorMath): each
 * square of a float difference carries 3u, then at most 7 lane additions and 8 pairwise ones, all of positive terms,
 * so at most 18u relative to the exact sum; the lanes' totals join in double and both sides round to float (u
 * each): 20u, hence rtol 2^-19 (32u) for row_mse and the loss, whose sums over rows and weights are the
 * reference's; atol 2^-126 for squares below float's normal range. The gradient (float) k·d with k and d rounded
 * to float: 3u beside the reference's final rounding, hence 2^-21 (8u). A row whose float sum is not finite is
 * computed with the reference's arithmetic, so NaN and infinity are where the reference has them.
 *
 * <p>RMSprop on the OpenBLAS backend computes in FP32 as PyTorch does (the reference in double): v = α·v +
 * (1 − α)·g² (positive terms: at most 3u per step beyond the previous v's error), q = g / (sqrt(v) + eps) (half
 * of v's error plus 3u), buf = momentum·buf + q (same-sign terms in the parity check, whose gradient is the same
 * each step: 2u plus the previous error, plus u for the sum), p −= lr·buf. Over the check's three steps from zero
 * state that is at most 10u for square_avg and 12u for momentum_buf, and the reference's own float roundings add
 * up to 3u; hence rtol 2^-20 (16u) and 2^-19 (32u). The parameter: both sides round p to float each step (at most
 * 2u·|p| apart each), and lr·|buf| carries buf's error: with the check's lr 2e-5 and |buf| ≤ 1 / (sqrt(1 − α)·(1 −
 * momentum)) = 25, atol 4e-9 and rtol 2^-21 (three steps).
 */
public final class ParityTolerances {
    private ParityTolerances() {}

    /** atol + rtol·|ref| + productRtol·Σ|a·b| (productRtol is 0 except for TF32 products). */
    public record Tolerance(double atol, double rtol, double productRtol) {
        public Tolerance(double atol, double rtol) {
            this(atol, rtol, 0);
        }

        /** The largest difference allowed for this reference value and product magnitude. */
        public double allowed(double ref, double productMagnitude) {
            return atol + rtol * Math.abs(ref) + productRtol * productMagnitude;
        }

        public boolean bitEqual() {
            return atol == 0 && rtol == 0 && productRtol == 0;
        }

        /** "bit-equal", "1e-04 + 1e-04·|ref|" or "1e-06 + 2.4e-07·|ref| + 1.0e-03·Σ|a·b|". */
        public String describe() {
            if (bitEqual()) return "bit-equal";
            String s = String.format(Locale.ROOT, "%.1e + %.1e·|ref|", atol, rtol);
            if (productRtol > 0) s += String.format(Locale.ROOT, " + %.2e·Σ|a·b|", productRtol);
            return s;
        }
    }

    /** The FP32 tolerance of an op, by family: the kernel name before any space ("dense_backward dW"). */
    public static Tolerance of(String op) {
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

    /**
     * The tolerance of an op in a precision; depth is the number of products summed per output element (the GEMM's
     * K: inDim for dense_forward, outDim for dIn, rows for dW), used only by TF32 products.
     */
    public static Tolerance of(String op, Precision precision, int depth) {
        if (precision == Precision.TF32 && isTf32Product(op)) {
            double u = 0x1p-11;  // unit roundoff of TF32's 11 significant bits
            double inputs = 2 * u + u * u;
            return new Tolerance(1e-6, 0x1p-22, inputs + 0x1p-22 + (1 + inputs) * tensorCoreAccumulation(depth));
        }
        return of(op);
    }

    /**
     * γ = 2K·2^-23 / (1 − 2K·2^-23): the tensor cores' truncating FP32 accumulation of K products, relative to
     * Σ|a·b| (see the class comment).
     */
    public static double tensorCoreAccumulation(int depth) {
        double k = 2.0 * depth * 0x1p-23;
        if (k >= 0.5) throw new IllegalArgumentException("GEMM depth " + depth + " is too deep for the TF32 bound");
        return k / (1 - k);
    }

    /** The dense GEMM outputs that TF32 computes on tensor cores (dB and dz stay FP32/double). */
    public static boolean isTf32Product(String op) {
        return op.startsWith("dense_forward") || op.startsWith("dense_backward dIn")
                || op.startsWith("dense_backward dW");
    }

    /** The tolerance of every op of one candidate backend: op name and GEMM depth K (see {@link #of(String, Precision, int)}). */
    @FunctionalInterface
    public interface OpTolerances {
        Tolerance of(String op, int depth);
    }

    /**
     * The tolerances of a candidate backend by the key its provider gives
     * ({@link dev.gcl.backend.BackendProvider#parityTolerances()}): "cuda" ({@link #cuda}) or "blas-fp32"
     * ({@link #blasFp32()}, which only runs in FP32).
     */
    public static OpTolerances forCandidate(String key, Precision precision) {
        switch (String.valueOf(key)) {
            case "cuda":
                return cuda(precision);
            case "blas-fp32":
                return blasFp32();
            default:
                throw new IllegalArgumentException("no parity tolerances named '" + key + "'");
        }
    }

    /** The CUDA backend's tolerances in a precision. */
    public static OpTolerances cuda(Precision precision) {
        return (op, depth) -> of(op, precision, depth);
    }

    /** Unit roundoff of FP32. */
    private static final double U32 = 0x1p-24;

    /** γ_K = K·u / (1 − K·u) with u = 2^-24: the bound of an FP32 sum of K products relative to Σ|a·b|. */
    public static double gammaFp32(int depth) {
        double ku = depth * U32;
        if (ku >= 0.5) throw new IllegalArgumentException("GEMM depth " + depth + " is too deep for the FP32 bound");
        return ku / (1 - ku);
    }

    /**
     * The OpenBLAS FP32 backend's tolerances: the GEMM outputs within the FP32-accumulation bound, the MSE ops and
     * RMSprop within the bounds of their FP32 arithmetic, everything else bit-equal (see the class comment).
     */
    public static OpTolerances blasFp32() {
        return (op, depth) -> {
            of(op);  // unknown names fail here as everywhere
            if (op.startsWith("dense_forward")) return new Tolerance(0x1p-126, 0x1p-22, gammaFp32(depth));
            if (op.startsWith("dense_backward dIn") || op.startsWith("dense_backward dW")) {
                return new Tolerance(0x1p-126, 0x1p-22, gammaFp32(depth) + U32);
            }
            if (op.equals("rmsprop square_avg")) return new Tolerance(0x1p-126, 0x1p-20);
            if (op.equals("rmsprop momentum_buf")) return new Tolerance(0x1p-126, 0x1p-19);
            if (op.equals("rmsprop param")) return new Tolerance(4e-9, 0x1p-21);
            if (op.equals("row_mse") || op.startsWith("weighted_mse loss")) return new Tolerance(0x1p-126, 0x1p-19);
            if (op.startsWith("weighted_mse grad")) return new Tolerance(0x1p-126, 0x1p-21);
            return new Tolerance(0, 0);
        };
    }

    /** For BackendContractTest (atol = rtol, FP32): never stricter than its default 2e-6. */
    public static double contract(String op) {
        Tolerance t = of(op);
        return Math.max(2e-6, Math.max(t.atol(), t.rtol()));
    }

    /**
     * How close whole GCL iterations of a backend must stay to the CPU reference's.
     *
     * @param lossRtol      relative tolerance of each G and D loss (plus lossAtol)
     * @param weightAtol    per weight: |got - ref| <= weightAtol + weightRtol·|ref|
     * @param thresholdRtol a pseudo-label may differ only where the reference's value lies within
     *                      thresholdRtol·|threshold| of its threshold (mean + k·std)
     */
    public record Training(double lossAtol, double lossRtol, double weightAtol, double weightRtol,
                           double thresholdRtol) {}

    /**
     * FP32: the losses to 1e-4, the weights to 1e-4 + 1e-3·|w| (the differences of FP32 against double sums after
     * a few steps), labels only within 1e-3 of their threshold. TF32: losses to 1e-2 (products carry 1e-3 each).
     * Weights under TF32 get the bound of what RMSprop can do: a gradient component near zero may change sign
     * under TF32, and RMSprop turns any sign into a full step of lr/sqrt(1 - alpha), amplified up to
     * 1/(1 - momentum) by momentum: over n iterations two runs can part by 2·n·lr/(sqrt(1 - alpha)·(1 - momentum))
     * per weight. That only catches divergence; the losses and labels are the TF32 run's real checks.
     */
    public static Training training(Precision precision, double lr, double alpha, double momentum, int iterations) {
        if (precision == Precision.TF32) {
            double step = lr / Math.sqrt(1 - alpha) / (1 - momentum);
            return new Training(1e-5, 1e-2, 2 * iterations * step, 0, 2e-2);
        }
        return new Training(1e-6, 1e-4, 1e-4, 1e-3, 1e-3);
    }
}
