package dev.gcl.rng;

/**
 * What a random stream is used for. The id goes into counter word 2, so streams of different purposes never
 * overlap. Ids are part of the reproducibility contract: never renumber, only append.
 */
public enum Purpose {
    /** Weight and bias initialisation; stream = layer tensor id. */
    INIT(1),
    /** Epoch permutation of the cooperative loop; stream = epoch. */
    SHUFFLE(2),
    /** Epoch permutation of generator pre-training; stream = epoch. */
    SHUFFLE_PRETRAIN_G(3),
    /** Epoch permutation of discriminator pre-training; stream = epoch. */
    SHUFFLE_PRETRAIN_D(4),
    /** Gaussian negative-learning noise; stream = global iteration. */
    NOISE(5),
    /** Row draws of the random-normal negative-learning target; stream = global iteration. */
    NL_PICK(6),
    /** Which videos carry weak labels (gcl-ws); stream = 0. */
    WEAK_LABEL_DRAW(7),
    /** Synthetic data generation; stream chosen by the generator. */
    SYNTHETIC_DATA(8),
    /** Free for tests and tools. */
    TEST(99);

    private final int id;

    Purpose(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }
}
