package dev.gcl.train;

import dev.gcl.Gcl;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.progress.TrainingListener;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A non-finite loss or weight stops training with a one-line message, or skips the batch when asked. */
class DivergenceTest {
    private static final TrainingData DATA = SmallRuns.tinyVideos(9).data();
    private static final GclConfig CONFIG = SmallRuns.fastConfig().variant(Variant.GCL_B).batchSize(200)
            .discriminatorHidden(8, 3).build();  // D's second weight (3 x 8) is the only tensor of 24 floats

    /** Reports NaN as G's loss on the n-th weighted-MSE call. */
    static final class NanLossOnce extends ForwardingBackend {
        final int at;
        int calls;

        NanLossOnce(int at) {
            super(new ReferenceBackend(2));
            this.at = at;
        }

        @Override
        public void weightedMseGrad(DeviceFloats out, DeviceFloats target, DeviceFloats weights, DeviceFloats dOut,
                                    DeviceFloats loss, int rows, int cols) {
            super.weightedMseGrad(out, target, weights, dOut, loss, rows, cols);
            if (++calls == at) inner.upload(new float[] {Float.NaN}, 0, loss, 0, 1);
        }
    }

    /** Poisons one weight of D's second layer on the n-th RMSprop call of that tensor's shape. */
    static final class PoisonDWeight extends ForwardingBackend {
        int updates;

        PoisonDWeight() {
            super(new ReferenceBackend(2));
        }

        @Override
        public void rmsprop(DeviceFloats param, DeviceFloats grad, DeviceFloats sq, DeviceFloats mom, int n,
                            double lr, double alpha, double eps, double momentum, DeviceFloats guard,
                            int guardLength) {
            super.rmsprop(param, grad, sq, mom, n, lr, alpha, eps, momentum, guard, guardLength);
            if (n == 3 * 8 && ++updates == 3) inner.upload(new float[] {Float.POSITIVE_INFINITY}, 0, param, 5, 1);
        }
    }

    @Test
    void aNanLossStopsTrainingNamingTheIterationAndNetwork() {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Gcl(CONFIG).withBackend(() -> new NanLossOnce(4)).fit(DATA));
        assertTrue(e.getMessage().contains("iteration 3"), e.getMessage());
        assertTrue(e.getMessage().contains("G loss is NaN"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void skipBatchDropsOnlyThatUpdateAndSaysSo() {
        List<String> messages = new ArrayList<>();
        TrainingListener listen = new TrainingListener() {
            @Override
            public void onMessage(String m) {
                messages.add(m);
            }
        };
        GclModel m = new Gcl(CONFIG).withBackend(() -> new NanLossOnce(4)).withNanPolicy(NanPolicy.SKIP_BATCH)
                .withListener(listen).fit(DATA);
        assertTrue(messages.contains("warning: skipped 1 batches whose loss was not finite"), messages.toString());
        for (int l = 0; l < m.generator().layers(); l++) {
            for (float w : m.generator().weight(l)) assertTrue(Float.isFinite(w));
        }
        GclModel clean = new Gcl(CONFIG).withReferenceBackend().fit(DATA);
        assertFalse(clean.generator().bitEquals(m.generator()), "one G update fewer changes the weights");
    }

    @Test
    void aNonFiniteWeightStopsAtTheNextScoresNamingNetworkAndLayer() {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Gcl(CONFIG).withBackend(PoisonDWeight::new).fit(DATA));
        // D's third update (iteration 2) makes one weight of layer 1 infinite; D's scores saturate at 0 or 1 and
        // stay finite until iteration 3's backward pass spreads NaN into layer 0, whose scores then fail
        assertEquals("training diverged at iteration 3: D scores are not finite; D layer 0 (D.0.weight) holds NaN",
                e.getMessage());
    }
}
