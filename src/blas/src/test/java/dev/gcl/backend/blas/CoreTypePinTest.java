package dev.gcl.backend.blas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The decision whether OPENBLAS_CORETYPE holds OpenBLAS below the CPU, over the variable and the CPU's flags. */
class CoreTypePinTest {
    private static final Set<String> AVX512 = Set.of("sse2", "avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512dq", "avx512_bf16");
    private static final Set<String> AVX2 = Set.of("sse2", "avx", "avx2", "fma");

    @Test
    void haswellOnAnAvx512CpuIsCalledOutWithItsCostAndTheWayOut() {
        Optional<String> w = CoreTypePin.check("Haswell", "512", AVX512);
        assertTrue(w.isPresent());
        assertTrue(w.get().contains("OPENBLAS_CORETYPE=Haswell pins OpenBLAS to AVX2 + FMA kernels"), w.get());
        assertTrue(w.get().contains("CPU with AVX-512"), w.get());
        assertTrue(w.get().contains("334 GFLOP/s"), w.get());
        assertTrue(w.get().contains("unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE"), w.get());
        assertTrue(w.get().contains("does not override"), w.get());
    }

    @Test
    void namesAreCaseInsensitiveAndL2IsNamedOnlyWhenSet() {
        String w = CoreTypePin.check(" zen ", null, AVX512).orElseThrow();
        assertTrue(w.contains("unset OPENBLAS_CORETYPE "), w);
        assertFalse(w.contains("L2_SIZE"), w);
        assertTrue(CoreTypePin.check("SANDYBRIDGE", null, AVX2).orElseThrow().contains("AVX kernels on a CPU with"
                + " AVX2 + FMA"));
        assertTrue(CoreTypePin.check("nehalem", null, AVX2).orElseThrow().contains("about a quarter"));
    }

    @Test
    void nothingToSayWhenThePinMatchesTheCpuOrIsUnsetOrUnknown() {
        assertEquals(Optional.empty(), CoreTypePin.check("Haswell", "512", AVX2));
        assertEquals(Optional.empty(), CoreTypePin.check("Zen", null, AVX2));
        assertEquals(Optional.empty(), CoreTypePin.check("SkylakeX", null, AVX512));
        assertEquals(Optional.empty(), CoreTypePin.check("Cooperlake", null, AVX512));
        assertEquals(Optional.empty(), CoreTypePin.check(null, "512", AVX512));
        assertEquals(Optional.empty(), CoreTypePin.check("", null, AVX512));
        assertEquals(Optional.empty(), CoreTypePin.check("NoSuchCore", null, AVX512));
        assertEquals(Optional.empty(), CoreTypePin.check("Haswell", null, Set.of()));  // not Linux: no flags
    }

    @Test
    void aCoreNewerThanTheCpuIsAWarningToo() {
        String w = CoreTypePin.check("SkylakeX", null, AVX2).orElseThrow();
        assertTrue(w.contains("which this CPU lacks"), w);
        assertTrue(w.contains("illegal instruction"), w);
    }

    @Test
    void cpuLevelsFromFlags() {
        assertEquals(CoreTypePin.Isa.AVX512, CoreTypePin.cpuIsa(AVX512));
        assertEquals(CoreTypePin.Isa.AVX2, CoreTypePin.cpuIsa(Set.of("avx512f", "avx2", "fma", "avx")));  // no bw/vl
        assertEquals(CoreTypePin.Isa.AVX, CoreTypePin.cpuIsa(Set.of("avx", "avx2")));  // no FMA
        assertEquals(CoreTypePin.Isa.SSE, CoreTypePin.cpuIsa(Set.of("sse2")));
    }

    @Test
    void flagsAreReadFromCpuinfo(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma\n\n"
                + "processor\t: 1\nflags\t\t: fpu\n");
        assertEquals(Set.of("fpu", "sse2", "avx", "avx2", "fma"), CoreTypePin.cpuFlags(f));
        assertEquals(Set.of(), CoreTypePin.cpuFlags(dir.resolve("missing")));
    }
}
