package dev.gcl.data;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * A dataset description written by hand, in YAML or JSON (keys in snake_case; paths relative to the description's
 * folder). Either {@code npz} alone, or features + train + test (+ ground truth):
 *
 * <pre>
 * features:
 *   dir: features            # one file per video
 *   format: npy              # npy ([T, D] or [T, crops, D]) | c3d-text (official UCF-Crime C3D release)
 *   crops: average           # average | separate-rows (training only; test crops are always averaged)
 *   suffixes: [_i3d, _c3d]   # removed from file names before matching list entries (this is the default)
 *   cache: features-f32.npy  # optional: where training features that cannot be memory-mapped as they are
 *                            # (crops averaged, not float32, text) are converted once, then mapped from
 * train:
 *   list: train.txt          # one video per line: a name, a path (Windows or POSIX), with or without extension
 *   labels: train_labels.txt # optional, "name label" lines (0 normal, 1 anomalous) for gcl-occ and gcl-ws
 * test:
 *   list: test.txt
 * segment_frames: 16         # frames per segment, 1..100000 (default 16)
 * segment_mapping: fixed-length   # fixed-length (docs/algorithm.md, default) | ucf-crime-32 (Sultani et al.'s evaluator)
 * non_finite: fail           # fail (default) | drop-rows (training rows with NaN/Inf are dropped and counted)
 * ground_truth:
 *   format: ucf-crime        # ucf-crime | shanghaitech | xd-violence
 *   file: Temporal_Anomaly_Annotation.txt   # ucf-crime and xd-violence
 *   masks: test_frame_mask   # shanghaitech: folder of per-video uint8 .npy masks
 *   frame_counts: {file: video_frame_counts.csv, layout: ucf-crime}   # ucf-crime | shanghaitech | simple
 *   numbering: one-based     # default per format: ucf-crime one-based, xd-violence zero-based
 *   end_inclusive: true      # default per format: ucf-crime true, xd-violence false
 *   end_slack: 2             # frames an interval may end past the video (clipped); ucf-crime 2, else 0
 * </pre>
 *
 * Frame counts come from, in order: the annotation's 7th column (ucf-crime), the frame_counts table, and for
 * xd-violence without a table the frames the features cover (T·S).
 */
public record DatasetSpec(
        String npz,
        Features features,
        Split train,
        Split test,
        @JsonProperty("segment_frames") Integer segmentFrames,
        @JsonProperty("segment_mapping") Mapping segmentMapping,
        @JsonProperty("non_finite") NonFinite nonFinite,
        @JsonProperty("ground_truth") GroundTruth groundTruth) {

    public record Features(String dir, Format format, Crops crops, List<String> suffixes, String cache) {}

    public record Split(String list, String labels) {}

    public record GroundTruth(GtFormat format, String file, String masks,
                              @JsonProperty("frame_counts") FrameCounts frameCounts,
                              Numbering numbering,
                              @JsonProperty("end_inclusive") Boolean endInclusive,
                              @JsonProperty("end_slack") Integer endSlack) {}

    public record FrameCounts(String file, Layout layout) {}

    public enum Format {
        @JsonProperty("npy") NPY,
        @JsonProperty("c3d-text") C3D_TEXT
    }

    public enum Crops {
        @JsonProperty("average") AVERAGE,
        @JsonProperty("separate-rows") SEPARATE_ROWS
    }

    public enum Mapping {
        @JsonProperty("fixed-length") FIXED_LENGTH,
        @JsonProperty("ucf-crime-32") UCF_CRIME_32
    }

    public enum NonFinite {
        @JsonProperty("fail") FAIL,
        @JsonProperty("drop-rows") DROP_ROWS
    }

    public enum GtFormat {
        @JsonProperty("ucf-crime") UCF_CRIME,
        @JsonProperty("shanghaitech") SHANGHAITECH,
        @JsonProperty("xd-violence") XD_VIOLENCE
    }

    public enum Layout {
        @JsonProperty("ucf-crime") UCF_CRIME,
        @JsonProperty("shanghaitech") SHANGHAITECH,
        @JsonProperty("simple") SIMPLE
    }

    public enum Numbering {
        @JsonProperty("zero-based") ZERO_BASED,
        @JsonProperty("one-based") ONE_BASED
    }
}
