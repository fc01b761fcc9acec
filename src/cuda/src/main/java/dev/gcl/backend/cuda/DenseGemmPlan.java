package dev.gcl.backend.cuda;

import dev.gcl.backend.Precision;

/**
 * Which kernel computes one dense-layer product, C (m, n) = Σ_k A(m, k)·B(k, n), chosen from the precision and the
 * shape only (never from the device, so a given shape gets the same kernel, hence the same bits, on every GPU).
 *
 * <p>FP32 ({@link #choose}):
 * <ul>
 *   <li>{@link Kernel#SPLIT128} / {@link Kernel#SPLIT64}: dW = dzᵀ·in (k = rows) when k ≥ 2·{@value #MIN_SPLIT_K}
 *       and its output tiles are fewer than {@value #TARGET_BLOCKS}: k is cut into {@code splits} ranges of
 *       {@code kChunk} rows (a multiple of 8), each range's product goes to a partials buffer, and
 *       {@code gemm_split_reduce} sums the partials in ascending order (in double). 128×128 tiles when m and n are
 *       both ≥ 128, else 64×64 (D's 512→32→1 layers). splits = min(ceil({@value #TARGET_BLOCKS} / tiles),
 *       k / {@value #MIN_SPLIT_K}, {@value #MAX_SPLITS}).</li>
 *   <li>{@link Kernel#TILE128} ({@code kernels/dense_big.cu}): m and n ≥ 128 and at least
 *       {@value #TARGET_BLOCKS} tiles of 128×128 (two per SM of an H100/H200, the kernel's occupancy): most
 *       B = 8192 products of G and of D's first layer.</li>
 *   <li>{@link Kernel#TILE128X64} ({@code kernels/dense_big.cu}): m and n ≥ 128 and {@value #MIN_BIG_TILES} to
 *       {@value #TARGET_BLOCKS} − 1 tiles of 128×128 (G's 512→256 forward and 256→512 backward input at
 *       B = 8192), which 128×128 tiles would give one block per SM: 128×64 tiles, twice the blocks.</li>
 *   <li>{@link Kernel#TILE64} ({@code kernels/dense.cu}): everything else (small batches, D's 32- and 1-wide
 *       layers), where 64×64 tiles give the GPU four times as many blocks.</li>
 * </ul>
 *
 * TF32 ({@link #chooseTf32}), the same rules on the tensor-core kernels:
 * <ul>
 *   <li>{@link Kernel#TF32_SPLIT128} ({@code kernels/dense_tf32_big.cu}) / {@link Kernel#TF32_SPLIT64}
 *       ({@code kernels/dense_tf32.cu}): dW over many rows when its output tiles (128×128 when m and n are both
 *       ≥ 128, else 64×64: D's 512→32→1 layers) are fewer than {@value #TARGET_BLOCKS}; the FP32 split count rule,
 *       k ranges a multiple of 16 rows, then {@code gemm_split_reduce}.</li>
 *   <li>{@link Kernel#TF32_TILE128} ({@code kernels/dense_tf32_big.cu}: 128×128 tiles, 4 warps, a 3-stage
 *       {@code cp.async} pipeline): m and n ≥ 128 with at least {@value #MIN_BIG_TILES} tiles (TF32 has no
 *       128×64 kernel).</li>
 *   <li>{@link Kernel#TF32_TILE64} ({@code kernels/dense_tf32.cu}: 64×64 tiles, 4 warps): everything else.</li>
 * </ul>
 */
record DenseGemmPlan(Kernel kernel, int splits, int kChunk) {
    /** Output blocks that keep an H100/H200 (132 SMs) busy: about two per SM. */
    static final int TARGET_BLOCKS = 256;
    /**
     * 128-row tiles only from this many 128×128 tiles on: fewer would leave SMs idle that 64×64 tiles would use.
     * From here to {@value #TARGET_BLOCKS} FP32 uses 128×64 tiles (twice the blocks: two per SM rather than one).
     */
    static final int MIN_BIG_TILES = 128;
    /** Fewest k (rows) per split: below it the partials cost more than the split gains. */
    static final int MIN_SPLIT_K = 256;
    static final int MAX_SPLITS = 64;

    /** The three products of a dense layer, with their GEMM dimensions m, n, k. */
    enum Product {
        /** out = act(in·wᵀ + b): m = rows, n = outDim, k = inDim. */
        FORWARD,
        /** dIn = dz·w: m = rows, n = inDim, k = outDim. */
        BACKWARD_INPUT,
        /** dW = dzᵀ·in: m = outDim, n = inDim, k = rows. */
        BACKWARD_WEIGHT
    }

    enum Kernel {
        /** dense.cu: 64×64 tiles of gcl_gemm_fp32.cuh's double-buffered tile code. */
        TILE64(64, 256, "", Precision.FP32),
        /** dense_big.cu: 128×128 tiles, double-buffered k slices, 16-byte loads. */
        TILE128(128, 256, "_big", Precision.FP32),
        /** dense_big.cu: 128 (m) × 64 (n) tiles, the same tile code. */
        TILE128X64(128, 64, 256, "_tile128x64", Precision.FP32),
        /** dense_big.cu: dW split over k, 64×64 tiles, then gemm_split_reduce. */
        SPLIT64(64, 256, "_split64", Precision.FP32),
        /** dense_big.cu: dW split over k, 128×128 tiles, then gemm_split_reduce. */
        SPLIT128(128, 256, "_split128", Precision.FP32),
        /** dense_tf32.cu: 64×64 tiles, 4 warps of mma.sync m16n8k8, one shared buffer. */
        TF32_TILE64(64, 128, "_tf32", Precision.TF32),
        /** dense_tf32.cu: thin dW split over k, 64×64 tiles, then gemm_split_reduce. */
        TF32_SPLIT64(64, 128, "_tf32_split64", Precision.TF32),
        /** dense_tf32_big.cu: 128×128 tiles, 4 warps of 64×64, 32-deep k slices in a 3-stage cp.async pipeline. */
        TF32_TILE128(128, 128, "_tf32_big", Precision.TF32),
        /** dense_tf32_big.cu: dW split over k, 128×128 tiles, then gemm_split_reduce. */
        TF32_SPLIT128(128, 128, "_tf32_split128", Precision.TF32);

        /** Rows (m) and columns (n) of C per block (the BM, BN of the kernels' tile templates). */
        final int tileM, tileN;
        /** Threads per block (GCL_THREADS, TF32_THREADS, TB_THREADS). */
        final int threads;
        /** The kernel of product P is named P's base name (dense_forward, …) + this. */
        final String suffix;
        final Precision precision;

        Kernel(int tile, int threads, String suffix, Precision precision) {
            this(tile, tile, threads, suffix, precision);
        }

        Kernel(int tileM, int tileN, int threads, String suffix, Precision precision) {
            this.tileM = tileM;
            this.tileN = tileN;
            this.threads = threads;
            this.suffix = suffix;
            this.precision = precision;
        }

        boolean split() {
            return this == SPLIT64 || this == SPLIT128 || this == TF32_SPLIT64 || this == TF32_SPLIT128;
        }

        /** What a split's k ranges must be a multiple of: the kernel's k slice. */
        int kChunkMultiple() {
            return precision == Precision.TF32 ? 16 : 8;
        }
    }

    /** Chooses a plan; CudaBackend takes one of these (tests force kernels through it). */
    @FunctionalInterface
    interface Planner {
        DenseGemmPlan plan(Product product, int m, int n, int k);
    }

    DenseGemmPlan {
        if (kernel.split() ? splits < 1 || kChunk < 8 || kChunk % kernel.kChunkMultiple() != 0 : splits != 1) {
            throw new IllegalArgumentException("bad plan " + kernel + " splits " + splits + " kChunk " + kChunk);
        }
    }

    static DenseGemmPlan whole(Kernel kernel) {
        return new DenseGemmPlan(kernel, 1, 0);
    }

    /**
     * A split of k into ranges of kChunk (rounded up to a multiple of the kernel's k slice: 8 for FP32, 16 for TF32)
     * rows, as many as k needs.
     */
    static DenseGemmPlan split(Kernel kernel, int k, int wantedSplits) {
        int chunk = (int) roundUp(ceilDiv(k, Math.max(1, wantedSplits)), kernel.kChunkMultiple());
        return new DenseGemmPlan(kernel, (int) Math.max(1, ceilDiv(k, chunk)), chunk);
    }

    /** The default planner of a precision: {@link #choose} for FP32, {@link #chooseTf32} for TF32. */
    static Planner planner(Precision precision) {
        return precision == Precision.TF32 ? DenseGemmPlan::chooseTf32 : DenseGemmPlan::choose;
    }

    /** The default FP32 choice (see the class comment). */
    static DenseGemmPlan choose(Product product, int m, int n, int k) {
        return choose(product, m, n, k, Kernel.SPLIT128, Kernel.SPLIT64, Kernel.TILE128, Kernel.TILE128X64,
                Kernel.TILE64);
    }

    /** The default TF32 choice: FP32's rules on the tensor-core kernels (see the class comment). */
    static DenseGemmPlan chooseTf32(Product product, int m, int n, int k) {
        return choose(product, m, n, k, Kernel.TF32_SPLIT128, Kernel.TF32_SPLIT64, Kernel.TF32_TILE128, null,
                Kernel.TF32_TILE64);
    }

    /**
     * The rules of the class comment, on one precision's kernel families (tile128x64 null: that precision has none,
     * its 128-to-255-tile shapes take tile128).
     */
    private static DenseGemmPlan choose(Product product, int m, int n, int k, Kernel split128, Kernel split64,
                                        Kernel tile128, Kernel tile128x64, Kernel tile64) {
        boolean big = m >= 128 && n >= 128;
        if (product == Product.BACKWARD_WEIGHT && k >= 2 * MIN_SPLIT_K) {
            Kernel kernel = big ? split128 : split64;
            long tiles = ceilDiv(m, kernel.tileM) * ceilDiv(n, kernel.tileN);
            if (tiles < TARGET_BLOCKS) {
                int splits = (int) Math.min(Math.min(ceilDiv(TARGET_BLOCKS, tiles), k / MIN_SPLIT_K), MAX_SPLITS);
                if (splits >= 2) return split(kernel, k, splits);
            }
        }
        long bigTiles = ceilDiv(m, 128) * ceilDiv(n, 128);
        if (big && bigTiles >= TARGET_BLOCKS) return whole(tile128);
        if (big && bigTiles >= MIN_BIG_TILES) {
            return whole(tile128x64 != null ? tile128x64 : tile128);
        }
        return whole(tile64);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long roundUp(long a, long b) {
        return ceilDiv(a, b) * b;
    }
}
