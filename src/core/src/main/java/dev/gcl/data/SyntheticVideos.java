package dev.gcl.data;

import dev.gcl.io.InvalidInputException;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomCursor;
import dev.gcl.rng.RandomStream;

/**
 * A small seeded generator of video-like segment features, in memory, for tests and demos.
 *
 * <p>Model (all draws from Philox, stream (seed, SYNTHETIC_DATA, ·)):
 * <ul>
 *   <li>{@code sceneBases} non-negative basis vectors |N(0,1)| shared by all videos; each video's scene is a random
 *       non-negative mix of them (low-rank scene structure);</li>
 *   <li>a normal segment is scene + drift_t + noise: drift is a per-dimension AR(1) process with coefficient
 *       {@code driftRho} (temporally smooth), noise is white with scale {@code noiseScale};</li>
 *   <li>an anomalous event (in a fraction of videos, a contiguous run of segments) adds one of
 *       {@code anomalyPatterns} sparse non-negative directions with amplitude {@code anomalyScale} and independent
 *       per-segment jitter {@code anomalyJitter}: a shift an autoencoder partly sees, and abrupt segment-to-segment
 *       changes that temporal cleaning picks up;</li>
 *   <li>every segment is made non-negative (absolute value) and L2-normalised, like the real C3D/I3D releases.</li>
 * </ul>
 * A perfect detector scores segment ROC AUC 1.0 against {@link Result#segmentLabels()}.
 */
public final class SyntheticVideos {

    /** Generator settings; {@link #small(long)} gives a test-sized default. */
    public record Params(long seed, int videos, int minLength, int maxLength, int dim, int sceneBases,
                         double anomalousVideoFraction, int eventMinLength, int eventMaxLength, double driftRho,
                         double driftScale, double noiseScale, int anomalyPatterns, double anomalyScale,
                         double anomalyJitter) {
        public Params {
            if (videos < 1 || minLength < 2 || maxLength < minLength || dim < 2 || sceneBases < 1
                    || anomalyPatterns < 1 || eventMinLength < 1 || eventMaxLength < eventMinLength
                    || anomalousVideoFraction < 0 || anomalousVideoFraction > 1) {
                throw new InvalidInputException("inconsistent synthetic video parameters: " + this);
            }
        }

        /** About 100 videos of 40-100 segments, D = 32, roughly 5% anomalous segments. */
        public static Params small(long seed) {
            return new Params(seed, 100, 40, 100, 32, 4, 0.35, 6, 16, 0.9, 0.12, 0.02, 3, 1.5, 2.0);
        }

        public Params withSeed(long s) {
            return new Params(s, videos, minLength, maxLength, dim, sceneBases, anomalousVideoFraction,
                    eventMinLength, eventMaxLength, driftRho, driftScale, noiseScale, anomalyPatterns, anomalyScale,
                    anomalyJitter);
        }

        public Params withVideos(int v) {
            return new Params(seed, v, minLength, maxLength, dim, sceneBases, anomalousVideoFraction,
                    eventMinLength, eventMaxLength, driftRho, driftScale, noiseScale, anomalyPatterns, anomalyScale,
                    anomalyJitter);
        }

        public Params withDim(int d) {
            return new Params(seed, videos, minLength, maxLength, d, sceneBases, anomalousVideoFraction,
                    eventMinLength, eventMaxLength, driftRho, driftScale, noiseScale, anomalyPatterns, anomalyScale,
                    anomalyJitter);
        }
    }

    /**
     * The generated data (with video labels: 1 for videos holding an event) and the ground truth per segment
     * (1 = anomalous).
     */
    public record Result(TrainingData data, int[] segmentLabels) {
        public double anomalousFraction() {
            long s = 0;
            for (int l : segmentLabels) s += l;
            return (double) s / segmentLabels.length;
        }
    }

    private SyntheticVideos() {}

    public static Result generate(Params p) {
        RandomCursor global = new RandomCursor(new RandomStream(p.seed(), Purpose.SYNTHETIC_DATA, 0));
        int d = p.dim();
        double[][] bases = new double[p.sceneBases()][d];
        for (double[] b : bases) for (int j = 0; j < d; j++) b[j] = Math.abs(global.normal());
        // sparse anomaly directions: each active on about a quarter of the dimensions
        double[][] patterns = new double[p.anomalyPatterns()][d];
        for (double[] a : patterns) {
            for (int j = 0; j < d; j++) a[j] = global.uniform() < 0.25 ? 1.0 + global.uniform() : 0.0;
            normalise(a);
        }

        int[] lengths = new int[p.videos()];
        int[] offsets = new int[p.videos() + 1];
        for (int v = 0; v < p.videos(); v++) {
            lengths[v] = global.intBetween(p.minLength(), p.maxLength());
            offsets[v + 1] = offsets[v] + lengths[v];
        }
        int rows = offsets[p.videos()];
        float[] x = new float[rows * d];
        int[] segmentLabels = new int[rows];
        int[] videoLabels = new int[p.videos()];
        double[] scene = new double[d], drift = new double[d], seg = new double[d];
        double innovation = p.driftScale() * Math.sqrt(1 - p.driftRho() * p.driftRho());
        for (int v = 0; v < p.videos(); v++) {
            RandomCursor rc = new RandomCursor(new RandomStream(p.seed(), Purpose.SYNTHETIC_DATA, 1 + v));
            java.util.Arrays.fill(scene, 0);
            for (double[] b : bases) {
                double w = rc.uniform();
                for (int j = 0; j < d; j++) scene[j] += w * b[j];
            }
            normalise(scene);
            for (int j = 0; j < d; j++) drift[j] = p.driftScale() * rc.normal();
            int len = lengths[v];
            int eventStart = -1, eventEnd = -1;
            double[] pattern = null;
            if (rc.uniform() < p.anomalousVideoFraction()) {
                int eventLen = Math.min(len - 1, rc.intBetween(p.eventMinLength(), p.eventMaxLength()));
                eventStart = rc.intBetween(1, len - eventLen);
                eventEnd = eventStart + eventLen;
                pattern = patterns[rc.intBetween(0, patterns.length - 1)];
                videoLabels[v] = 1;
            }
            for (int t = 0; t < len; t++) {
                for (int j = 0; j < d; j++) {
                    drift[j] = p.driftRho() * drift[j] + innovation * rc.normal();
                    seg[j] = scene[j] + drift[j] + p.noiseScale() * rc.normal();
                }
                int row = offsets[v] + t;
                if (t >= eventStart && t < eventEnd) {
                    double amplitude = p.anomalyScale() * (1 + p.anomalyJitter() * rc.normal());
                    for (int j = 0; j < d; j++) {
                        seg[j] += amplitude * pattern[j] + p.anomalyJitter() * p.anomalyScale()
                                * Math.abs(rc.normal()) / Math.sqrt(d);
                    }
                    segmentLabels[row] = 1;
                }
                for (int j = 0; j < d; j++) seg[j] = Math.abs(seg[j]);
                normalise(seg);
                for (int j = 0; j < d; j++) x[row * d + j] = (float) seg[j];
            }
        }
        return new Result(TrainingData.videos(x, d, offsets).withVideoLabels(videoLabels), segmentLabels);
    }

    private static void normalise(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        s = Math.sqrt(s);
        if (s > 0) for (int j = 0; j < a.length; j++) a[j] /= s;
    }
}
