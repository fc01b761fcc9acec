package dev.gcl.verify;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.backend.Precision;
import dev.gcl.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The parity checks themselves, without a GPU: the CPU backend against itself passes everything bit for bit, a
 * backend with one wrong element is caught, and the TF32 tolerances accept host-emulated TF32 arithmetic while
 * rejecting an emulation that loses one product per sum.
 */
class OpParityTest {
    private final List<Backend> opened = new ArrayList<>();

    private ReferenceBackend cpu(int threads) {
        ReferenceBackend b = new ReferenceBackend(threads);
        opened.add(b);
        return b;
    }

    @AfterEach
    void close() {
        opened.forEach(Backend::close);
    }

    @Test
    void theCpuAgainstItselfPassesEveryOpBitForBitOnRandomShapes() {
        List<Comparison> all = new OpParity(cpu(1), cpu(2), Precision.FP32).randomSuite(3);
        Set<String> families = new TreeSet<>();
        for (Comparison c : all) {
            assertTrue(c.passed(), c.describe());
            assertEquals(0.0, c.maxAbs(), c.describe() + ": one thread and two give the same bits");
            families.add(c.op().split(" ")[0]);
        }
        assertEquals(Set.of("dense_forward", "dense_backward", "row_mse", "mean_std", "threshold_labels",
                "min_max_scale", "nl_targets", "bce_grad", "bce_loss", "weighted_mse", "rmsprop", "gather_rows",
                "philox_uniform", "philox_normal"), families, "every op of the Backend interface is checked");
    }

    @Test
    void randomShapesDependOnTheSeed() {
        List<Comparison> a = new OpParity(cpu(1), cpu(1), Precision.FP32).randomSuite(1);
        List<Comparison> b = new OpParity(cpu(1), cpu(1), Precision.FP32).randomSuite(2);
        assertNotEquals(a.get(0).shape(), b.get(0).shape());
    }

    @Test
    void oneWrongOutputElementIsCaughtAndNamed() {
        Backend broken = new ForwardingBackend(cpu(1)) {
            @Override
            public void denseForward(DeviceFloats in, DeviceFloats w, DeviceFloats b, DeviceFloats out, int rows,
                                     int inDim, int outDim, Activation act) {
                super.denseForward(in, w, b, out, rows, inDim, outDim, act);
                float[] one = read(out, 1);
                upload(new float[] {one[0] + 1e-2f}, 0, out, 0, 1);
            }
        };
        Comparison c = new OpParity(broken, cpu(1), Precision.FP32)
                .denseForward(301, 173, 67, Activation.IDENTITY, 20).get(0);
        assertFalse(c.passed());
        assertEquals(1, c.failures());
        assertEquals(0, c.worst());
        assertEquals(1e-2, c.maxAbs(), 1e-6);
    }

    @Test
    void tf32ArithmeticPassesTheTf32TolerancesButNotTheFp32Ones() {
        OpParity tf32 = new OpParity(new Tf32Emulation(cpu(1), false), cpu(1), Precision.TF32);
        OpParity asIfFp32 = new OpParity(new Tf32Emulation(cpu(1), false), cpu(1), Precision.FP32);
        for (Activation act : Activation.values()) {
            for (Comparison c : tf32.denseForward(301, 173, 67, act, 20)) assertTrue(c.passed(), c.describe());
            for (Comparison c : tf32.denseBackward(301, 173, 67, act, 21)) assertTrue(c.passed(), c.describe());
        }
        Comparison strict = asIfFp32.denseForward(301, 173, 67, Activation.IDENTITY, 20).get(0);
        assertFalse(strict.passed(), "TF32's rounding is visible: the FP32 tolerance would reject it ("
                + strict.describe() + ")");
    }

    @Test
    void aTf32KernelThatLosesOneProductPerSumIsRejected() {
        OpParity lossy = new OpParity(new Tf32Emulation(cpu(1), true), cpu(1), Precision.TF32);
        List<Comparison> forward = lossy.denseForward(301, 173, 67, Activation.IDENTITY, 20);
        assertFalse(forward.get(0).passed(), forward.get(0).describe());
        List<Comparison> backward = lossy.denseBackward(301, 173, 67, Activation.IDENTITY, 21);
        assertFalse(backward.get(0).passed(), "dIn: " + backward.get(0).describe());
        assertFalse(backward.get(1).passed(), "dW: " + backward.get(1).describe());
    }

    @Test
    void tf32RoundingIsToNearestWithTiesAwayFromZero() {
        assertEquals(1f, Tf32Emulation.tf32(1f + 0x1p-12f), "below half an ulp of TF32: down");
        assertEquals(1f + 0x1p-10f, Tf32Emulation.tf32(1f + 0x1p-11f), "a tie: away from zero");
        assertEquals(-(1f + 0x1p-10f), Tf32Emulation.tf32(-(1f + 0x1p-11f)));
        assertTrue(Float.isNaN(Tf32Emulation.tf32(Float.NaN)));
    }
}
