package dev.gcl.backend.blas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Whether {@code OPENBLAS_CORETYPE} pins OpenBLAS to kernels of an older instruction set than the CPU has, which
 * OpenBLAS obeys without a word: on an AVX-512 machine pinned to {@code Haswell} (AVX2) its GEMMs run at a little
 * over half their speed (numpy's sgemm 189 against 334 GFLOP/s, a gcl-b iteration at B 8192 2.2 s against 1.55 s:
 * measured on an AVX-512 EPYC, 2026-12-07); on an AVX2 machine pinned to {@code Nehalem} (SSE) at about a quarter
 * (numpy's sgemm on one thread 24.5 against 86-92 GFLOP/s, benchmarks/README.md). gcl overrides nothing: {@code gcl info} and {@code gcl train} say what
 * the pin costs and how to lift it. {@link #check} is the pure decision (the variable's value and the CPU's flags
 * from /proc/cpuinfo), {@link #here} reads both.
 */
public final class CoreTypePin {
    private CoreTypePin() {
    }

    /** Instruction-set levels of OpenBLAS's x86-64 kernels, oldest first. */
    public enum Isa {
        SSE("SSE2/SSE3"), AVX("AVX"), AVX2("AVX2 + FMA"), AVX512("AVX-512");

        private final String label;

        Isa(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** OpenBLAS's DYNAMIC_ARCH core names (compared case-insensitively, as OpenBLAS does) by the ISA they use. */
    private static final Map<String, Isa> CORES = Map.ofEntries(
            Map.entry("katmai", Isa.SSE), Map.entry("coppermine", Isa.SSE), Map.entry("northwood", Isa.SSE),
            Map.entry("prescott", Isa.SSE), Map.entry("banias", Isa.SSE), Map.entry("atom", Isa.SSE),
            Map.entry("core2", Isa.SSE), Map.entry("penryn", Isa.SSE), Map.entry("dunnington", Isa.SSE),
            Map.entry("nehalem", Isa.SSE), Map.entry("athlon", Isa.SSE), Map.entry("opteron", Isa.SSE),
            Map.entry("opteron_sse3", Isa.SSE), Map.entry("barcelona", Isa.SSE), Map.entry("bobcat", Isa.SSE),
            Map.entry("nano", Isa.SSE),
            Map.entry("sandybridge", Isa.AVX), Map.entry("bulldozer", Isa.AVX), Map.entry("piledriver", Isa.AVX),
            Map.entry("steamroller", Isa.AVX), Map.entry("excavator", Isa.AVX),
            Map.entry("haswell", Isa.AVX2), Map.entry("zen", Isa.AVX2),
            Map.entry("skylakex", Isa.AVX512), Map.entry("cooperlake", Isa.AVX512),
            Map.entry("sapphirerapids", Isa.AVX512));

    /** The best kernel ISA a CPU with these /proc/cpuinfo flags runs (OpenBLAS's SkylakeX kernels need bw/vl/dq). */
    public static Isa cpuIsa(Set<String> flags) {
        if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"))) return Isa.AVX512;
        if (flags.containsAll(Set.of("avx2", "fma"))) return Isa.AVX2;
        if (flags.contains("avx")) return Isa.AVX;
        return Isa.SSE;
    }

    /** The ISA of an OpenBLAS core name, or empty for a name OpenBLAS does not know. */
    public static Optional<Isa> coreIsa(String coreType) {
        return Optional.ofNullable(CORES.get(coreType.trim().toLowerCase(Locale.ROOT)));
    }

    /**
     * What to tell the user, or empty when there is nothing to say: the variable unset or empty, no CPU flags (not
     * Linux), a core name OpenBLAS does not know, or a core of the CPU's own level. l2Size is OPENBLAS_L2_SIZE
     * (null when unset), named in the command that lifts the pin.
     */
    public static Optional<String> check(String coreType, String l2Size, Set<String> cpuFlags) {
        if (coreType == null || coreType.isBlank() || cpuFlags.isEmpty()) return Optional.empty();
        Optional<Isa> pinned = coreIsa(coreType);
        if (pinned.isEmpty()) return Optional.empty();
        Isa cpu = cpuIsa(cpuFlags);
        String unset = "unset OPENBLAS_CORETYPE" + (l2Size != null ? " OPENBLAS_L2_SIZE" : "");
        String name = "OPENBLAS_CORETYPE=" + coreType.trim();
        if (pinned.get().compareTo(cpu) > 0) {
            return Optional.of(name + " names " + pinned.get().label() + " kernels, which this CPU lacks ("
                    + cpu.label() + " at most): OpenBLAS may stop on an illegal instruction; " + unset
                    + " to let it choose");
        }
        if (pinned.get() == cpu) return Optional.empty();
        String cost;
        if (cpu == Isa.AVX512 && pinned.get() == Isa.AVX2) {
            cost = "the blas backend's GEMMs run at about 55-70% of their speed (measured on an AVX-512 EPYC: sgemm"
                    + " 189 against 334 GFLOP/s, a B 8192 training iteration 2.2 s against 1.55 s)";
        } else if (cpu == Isa.AVX2 && pinned.get() == Isa.SSE) {
            cost = "the blas backend's GEMMs run at about a quarter of their speed (measured on an AVX2 EPYC: sgemm"
                    + " 24.5 against 86-92 GFLOP/s on one thread)";
        } else {
            cost = "the blas backend's GEMMs run well below their speed (wider vectors and FMA unused)";
        }
        return Optional.of(name + " pins OpenBLAS to " + pinned.get().label() + " kernels on a CPU with "
                + cpu.label() + ": " + cost + ". gcl does not override it; to lift it, " + unset
                + " (or run: env -u OPENBLAS_CORETYPE" + (l2Size != null ? " -u OPENBLAS_L2_SIZE" : "")
                + " ./gcl ...) unless an old OpenBLAS elsewhere in this environment needs the pin");
    }

    /** {@link #check} for this process: its environment and this machine's /proc/cpuinfo. */
    public static Optional<String> here() {
        return check(System.getenv("OPENBLAS_CORETYPE"), System.getenv("OPENBLAS_L2_SIZE"),
                cpuFlags(Path.of("/proc/cpuinfo")));
    }

    /** The flags of the first processor in a /proc/cpuinfo file; empty when it cannot be read. */
    public static Set<String> cpuFlags(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Arrays.stream(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toUnmodifiableSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
