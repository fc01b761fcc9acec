package dev.gcl.train;

import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.TrainingListener;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An iteration's losses, statistics and label counts reach the host in one download, whatever the variant. */
class OneDownloadPerIterationTest {
    private static final TrainingData DATA = SmallRuns.tinyVideos(5).data();

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"GCL_B", "GCL_PT", "AE_ALL", "SOFT_LABELS"})
    void eachIterationDownloadsOnce(Variant variant) {
        GclConfig config = SmallRuns.fastConfig().variant(variant).batchSize(64).epochs(2).pretrainEpochs(1).build();
        int[] downloads = {0};
        List<Integer> atIteration = new ArrayList<>();
        List<Integer> iterationInEpoch = new ArrayList<>();
        try (ForwardingBackend counting = new ForwardingBackend(new ReferenceBackend(2)) {
            @Override
            public void download(DeviceFloats src, int srcOffset, float[] dst, int dstOffset, int n) {
                downloads[0]++;
                super.download(src, srcOffset, dst, dstOffset, n);
            }
        }) {
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onIteration(IterationStats s) {
                    atIteration.add(downloads[0]);
                    iterationInEpoch.add(s.iteration());
                }
            };
            new GclTrainer(config, counting, listener).train(DATA);
        }
        int checked = 0;
        for (int i = 1; i < atIteration.size(); i++) {
            if (iterationInEpoch.get(i) == 0) continue;  // epoch ends download the weights to check them
            assertEquals(1, atIteration.get(i) - atIteration.get(i - 1), "downloads in iteration " + i);
            checked++;
        }
        assertTrue(checked >= 5, "iterations within an epoch: " + checked);
    }
}
