package dev.gcl.progress;

/** A stage of training, in the order they run. */
public enum Phase {
    /** G alone, plain reconstruction, on the pre-training subset (gcl-pt, gcl-occ). */
    PRETRAIN_G,
    /** D alone on all segments, labelled by the frozen pre-trained G (gcl-pt, gcl-occ). */
    PRETRAIN_D,
    /** The cooperative loop of G and D (or G with itself, g-self). */
    COOPERATIVE,
    /** Autoencoder-only training (ae-all, ae-td, ae-occ). */
    AUTOENCODER
}
