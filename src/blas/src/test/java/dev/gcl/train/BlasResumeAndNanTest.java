package dev.gcl.train;

import dev.gcl.Gcl;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.blas.BlasBackend;
import dev.gcl.backend.blas.BlasProbe;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Checkpoints, resume and NaN handling on the OpenBLAS backend work as on the reference: a run stopped and resumed
 * at the same thread count ends bit-identical to an uninterrupted one; a NaN loss or weight stops (or skips) with
 * the reference's message.
 */
class BlasResumeAndNanTest {
    private static final TrainingData DATA = SmallRuns.tinyVideos(8).data();

    @BeforeEach
    void requireBlas() {
        Assumptions.assumeTrue(BlasProbe.get().available(), BlasProbe.get().reason());
    }

    private static Gcl blas(GclConfig config) {
        return new Gcl(config).withBackend(() -> new BlasBackend(2));
    }

    @ParameterizedTest(name = "{0} with {1}, stopped before iteration {2}")
    @CsvSource({
            "gcl-pt, random-normal, 16",  // inside D pre-training
            "gcl-pt, gaussian, 34",       // cooperative loop (noise streams by global iteration)
            "gcl-b, ones, 5",
    })
    void stoppedAndResumedEqualsUninterrupted(String variant, String nl, int stopAt) {
        GclConfig config = SmallRuns.fastConfig().variant(Variant.parse(variant)).nlTarget(NlTarget.parse(nl))
                .epochs(3).pretrainEpochs(2).batchSize(200).build();
        GclModel whole = blas(config).fit(DATA);

        ResumeTest.StopAt policy = new ResumeTest.StopAt(stopAt);
        assertThrows(TrainingStoppedException.class, () -> blas(config).withCheckpoints(policy).fit(DATA));
        assertEquals(1, policy.written.size(), "one checkpoint, written on the stop");
        GclModel resumed = blas(config).resumingFrom(policy.written.get(0)).fit(DATA);
        ResumeTest.assertSameRun(whole, resumed);
    }

    private static final GclConfig NAN_CONFIG = SmallRuns.fastConfig().variant(Variant.GCL_B).batchSize(200)
            .discriminatorHidden(8, 3).build();

    /** Reports NaN as G's loss on the 4th weighted-MSE call. */
    private static Supplier<Backend> nanLossOnce(Supplier<Backend> inner) {
        return () -> new ForwardingBackend(inner.get()) {
            int calls;

            @Override
            public void weightedMseGrad(DeviceFloats out, DeviceFloats target, DeviceFloats weights, DeviceFloats dOut,
                                        DeviceFloats loss, int rows, int cols) {
                super.weightedMseGrad(out, target, weights, dOut, loss, rows, cols);
                if (++calls == 4) upload(new float[] {Float.NaN}, 0, loss, 0, 1);
            }
        };
    }

    /** Makes one weight of D's second layer infinite on its 3rd update. */
    private static Supplier<Backend> poisonDWeight(Supplier<Backend> inner) {
        return () -> new ForwardingBackend(inner.get()) {
            int updates;

            @Override
            public void rmsprop(DeviceFloats param, DeviceFloats grad, DeviceFloats sq, DeviceFloats mom, int n,
                                double lr, double alpha, double eps, double momentum, DeviceFloats guard,
                                int guardLength) {
                super.rmsprop(param, grad, sq, mom, n, lr, alpha, eps, momentum, guard, guardLength);
                if (n == 3 * 8 && ++updates == 3) upload(new float[] {Float.POSITIVE_INFINITY}, 0, param, 5, 1);
            }
        };
    }

    private static String divergence(Supplier<Backend> backends) {
        return assertThrows(TrainingDivergedException.class,
                () -> new Gcl(NAN_CONFIG).withBackend(backends).fit(DATA)).getMessage();
    }

    @Test
    void aNanLossOrWeightStopsWithTheReferencesMessage() {
        String blasNan = divergence(nanLossOnce(() -> new BlasBackend(2)));
        assertEquals(divergence(nanLossOnce(() -> new ReferenceBackend(2))), blasNan);
        assertTrue(blasNan.contains("G loss is NaN"), blasNan);
        String blasInf = divergence(poisonDWeight(() -> new BlasBackend(2)));
        assertEquals(divergence(poisonDWeight(() -> new ReferenceBackend(2))), blasInf);
        assertTrue(blasInf.contains("not finite"), blasInf);
    }

    @Test
    void skipBatchDropsOnlyThatUpdate() {
        GclModel skipped = new Gcl(NAN_CONFIG).withBackend(nanLossOnce(() -> new BlasBackend(2)))
                .withNanPolicy(NanPolicy.SKIP_BATCH).fit(DATA);
        for (int l = 0; l < skipped.generator().layers(); l++) {
            for (float w : skipped.generator().weight(l)) assertTrue(Float.isFinite(w));
        }
        GclModel clean = blas(NAN_CONFIG).fit(DATA);
        assertFalse(clean.generator().bitEquals(skipped.generator()), "one G update fewer changes the weights");
    }
}
