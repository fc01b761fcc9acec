package dev.gcl.synth;

import dev.gcl.io.InvalidInputException;

/**
 * Parameters of {@link SyntheticDatasetGenerator}.
 *
 * @param seed                 the only source of randomness (Philox streams of purpose SYNTHETIC_DATA)
 * @param trainVideos          training videos (UCF-Crime: 1,610)
 * @param testVideos           test videos (UCF-Crime: 290)
 * @param dim                  feature dimension D (C3D fc6 4096, I3D 2048)
 * @param minSegments          shortest video, in segments
 * @param maxSegments          longest video, in segments (lengths uniform in between)
 * @param segmentFrames        frames per segment S
 * @param rank                 K, the rank of the scene structure: every normal row is relu(z·B + noise) with a
 *                             K-dim latent z and a shared non-negative K×D basis B
 * @param correlation          AR(1) coefficient of z from segment to segment (temporal smoothness)
 * @param trainAnomalousShare  share of training videos holding an event (unsupervised training data is impure)
 * @param testAnomalousShare   share of test videos holding an event
 * @param minEventSegments     shortest event, in segments
 * @param maxEventSegments     longest event, in segments (clamped to the video)
 * @param anomalyDirections    number of sparse non-negative directions an event shifts features along
 * @param shift                L2 length of that shift in units of the L2 spread of normal rows around their mean
 * @param jitter               extra segment-to-segment latent noise during an event, in units of the normal noise
 * @param noise                uniform per-element noise amplitude
 * @param l2Normalise          scale every row to unit L2 norm, as the published C3D and I3D features are (the
 *                             absolute temporal-cleaning threshold 0.70 assumes it)
 */
public record SyntheticConfig(long seed, int trainVideos, int testVideos, int dim, int minSegments, int maxSegments,
                              int segmentFrames, int rank, double correlation, double trainAnomalousShare,
                              double testAnomalousShare, int minEventSegments, int maxEventSegments,
                              int anomalyDirections, double shift, double jitter, double noise,
                              boolean l2Normalise) {
    public SyntheticConfig {
        if (trainVideos < 1 || testVideos < 1) throw new InvalidInputException("need training and test videos");
        if (dim < 1 || rank < 1 || anomalyDirections < 1) throw new InvalidInputException("dim, rank, directions >= 1");
        if (minSegments < 2 || maxSegments < minSegments) throw new InvalidInputException("bad segment range");
        if (minEventSegments < 1 || maxEventSegments < minEventSegments) throw new InvalidInputException("bad event range");
        if (correlation < 0 || correlation >= 1) throw new InvalidInputException("correlation in [0, 1)");
        if (testAnomalousShare <= 0 || testAnomalousShare >= 1) {
            throw new InvalidInputException("test anomalous share in (0, 1): AUC needs both classes");
        }
    }

    /** A few hundred KB: for tests. */
    public static SyntheticConfig small(long seed) {
        return new SyntheticConfig(seed, 24, 12, 32, 20, 60, 16, 4, 0.9, 0.25, 0.5, 4, 12, 3, 0.5, 0.5, 0.1, false);
    }

    /** UCF-Crime scale: 1,610 + 290 videos, about 800K training segments (T 100..900, mean 500), D = 2048. */
    public static SyntheticConfig ucfCrimeScale(long seed) {
        return new SyntheticConfig(seed, 1610, 290, 2048, 100, 900, 16, 16, 0.9, 0.5, 0.5, 10, 120, 4, 0.5, 0.5, 0.1,
                false);
    }

    /**
     * The built-in demo of {@code gcl train}: 200 training and 60 test videos of 20-60 segments, D = 64, rows
     * L2-normalised, events shifted by 2 normal spreads. Trains in seconds on 2 cores.
     */
    public static SyntheticConfig demo(long seed) {
        return new SyntheticConfig(seed, 200, 60, 64, 20, 60, 16, 4, 0.9, 0.25, 0.5, 4, 12, 3, 2.0, 0.5, 0.1, true);
    }

    /** The same parameters with other video counts and dimension. */
    public SyntheticConfig withSize(int trainVideos, int testVideos, int dim) {
        return new SyntheticConfig(seed, trainVideos, testVideos, dim, minSegments, maxSegments, segmentFrames, rank,
                correlation, trainAnomalousShare, testAnomalousShare, minEventSegments, maxEventSegments,
                anomalyDirections, shift, jitter, noise, l2Normalise);
    }
}
