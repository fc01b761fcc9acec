package dev.gcl.testing;

import dev.gcl.config.CleaningRule;
import dev.gcl.config.GclConfig;
import dev.gcl.data.SyntheticVideos;

/** Small data and fast settings shared by trainer tests. */
public final class SmallRuns {
    private SmallRuns() {}

    /** 20 videos of 40-100 segments, D = 32, with video labels. */
    public static SyntheticVideos.Result tinyVideos(long seed) {
        return SyntheticVideos.generate(SyntheticVideos.Params.small(seed).withVideos(20));
    }

    /** Small networks, batch 64, lr 1e-3, 2 epochs of everything: runs in well under a second. */
    public static GclConfig.Builder fastConfig() {
        return GclConfig.builder().seed(7).epochs(2).pretrainEpochs(2).batchSize(64).learningRate(1e-3)
                .generatorHidden(16, 8, 4, 8, 16).discriminatorHidden(8, 4).cleaning(CleaningRule.QUANTILE, 0.8);
    }
}
