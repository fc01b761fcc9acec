package dev.gcl.cli;

import dev.gcl.backend.Backend;
import dev.gcl.backend.BackendProvider;
import dev.gcl.backend.Backends;
import dev.gcl.backend.Precision;
import dev.gcl.config.GclConfig;
import dev.gcl.train.DeviceMemoryNeed;
import dev.gcl.train.ThreadChoice;
import dev.gcl.model.ScoringArithmetic;
import dev.gcl.nn.Scorers;

import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code --backend auto|reference|blas|cuda} ({@code cpu} = reference), {@code --threads N} and
 * {@code --precision fp32|tf32}: which backend a run trains on. auto: cuda when its probe passes, else blas when
 * OpenBLAS loads, else the reference, and the run says which and why. TF32 exists only on CUDA: asking a CPU
 * backend for it, by name or through auto on a machine where CUDA is unavailable, is refused (exit 2) instead of
 * silently training in FP32. A backend named but unavailable is refused with its probe's reason (exit 2).
 */
final class BackendChoice {
    private BackendChoice() {}

    /** The backend kind a choice resolves to ("reference", "blas" or "cuda"), its precision and threads. */
    record Resolved(String kind, Precision precision, int threads, Supplier<Backend> backends, boolean fromAuto,
                    boolean threadsByShape) {
        /**
         * The choice for a run of this config on rows × dim features: auto's pick again when its device cannot
         * hold the run now (cuMemGetInfo against {@link DeviceMemoryNeed}), the fallback said in one note; a
         * backend named on the command line stays (its own check then fails before training, exit 2). Without
         * --threads, a CPU backend's threads by the run's shape ({@link ThreadChoice}), said in one note; the
         * result has its threads decided (calling this again changes nothing).
         */
        Resolved forRun(GclConfig config, int rows, int dim, Consumer<String> notes) {
            Resolved r = this;
            if (fromAuto) {
                Backends.Auto auto = Backends.auto(DeviceMemoryNeed.bytes(config, rows, dim));
                if (!auto.kind().equals(kind) && Backends.provider(auto.kind()).precisions().contains(precision)) {
                    notes.accept("backend auto: using " + describe(auto.kind(), threads) + "; " + auto.why());
                    r = new Resolved(auto.kind(), precision, threads, Backends.supplier(auto.kind(), threads,
                            precision), true, threadsByShape);
                }
            }
            if (!r.threadsByShape || !r.usesCpuThreads()) return r;
            ThreadChoice choice = ThreadChoice.forRun(config, rows, dim, r.threads);
            notes.accept(choice.why());
            return new Resolved(r.kind, precision, choice.threads(), Backends.supplier(r.kind, choice.threads(),
                    precision), r.fromAuto, false);
        }

        /** How the run's test split is scored: the reference's runs with the reference arithmetic. */
        ScoringArithmetic scorer() {
            return provider().isReference() || Scorers.fastest().isEmpty() ? ScoringArithmetic.REFERENCE
                    : ScoringArithmetic.FAST;
        }

        /** True when the backend computes on CPU threads (run.json then records how many). */
        boolean usesCpuThreads() {
            return provider().usesCpuThreads();
        }

        private BackendProvider provider() {
            return Backends.provider(kind);
        }
    }

    /** Parses --precision; bad input names the option. */
    static Precision precision(String text) {
        try {
            return Precision.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /**
     * Resolves the choice; {@code notes} receives one line saying which backend auto picked and why. Throws
     * {@link BadInputException} for a named backend that is unavailable, naming the probe's reason.
     */
    static Resolved resolve(String name, int threads, Precision precision, Consumer<String> notes) {
        return resolve(name, threads, precision, false, notes);
    }

    /**
     * As {@link #resolve(String, int, Precision, Consumer)}; with threadsByShape (no --threads given) threads is
     * the machine's cores, and {@link Resolved#forRun} picks a CPU backend's threads by the run's shape.
     */
    static Resolved resolve(String name, int threads, Precision precision, boolean threadsByShape,
                            Consumer<String> notes) {
        if (threads < 1) throw new BadInputException("--threads must be >= 1, got " + threads);
        String kind;
        if (Backends.canonical(name).equals("auto")) {
            Backends.Auto auto = Backends.auto();
            kind = auto.kind();
            if (!Backends.provider(kind).precisions().contains(precision)) {
                throw new BadInputException("--precision " + precision.cliName() + " needs the "
                        + Backends.supporting(precision) + " backend; backend auto found " + auto.why());
            }
            String using = describe(kind, threads);
            if (threadsByShape && Backends.provider(kind).usesCpuThreads()) {
                using = using.replace(threads + " threads)", "up to " + threads + " threads by the run's shape)");
            }
            notes.accept("backend auto: using " + using + "; " + auto.why());
        } else {
            BackendProvider p = Backends.find(name).orElseThrow(
                    () -> new BadInputException("--backend must be " + Backends.NAMES + ", got '" + name + "'"));
            kind = p.name();
            if (!p.available()) {
                throw new BadInputException("--backend " + kind + ": " + p.requirement() + " is unavailable: "
                        + p.reason());
            }
            if (!p.precisions().contains(precision)) {
                throw new BadInputException("--precision " + precision.cliName() + " needs --backend "
                        + Backends.supporting(precision) + ": the " + kind + " backend computes in "
                        + p.precisions().stream().map(Precision::cliName).sorted().collect(Collectors.joining(" or ")));
            }
        }
        return new Resolved(kind, precision, threads, Backends.supplier(kind, threads, precision),
                Backends.canonical(name).equals("auto"), threadsByShape);
    }

    /** "blas (OpenBLAS FP32 GEMMs, 2 threads)" and the like, for the run's first lines. */
    static String describe(String kind, int threads) {
        return Backends.describe(kind, threads);
    }
}
