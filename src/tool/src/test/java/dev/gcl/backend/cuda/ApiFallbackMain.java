package dev.gcl.backend.cuda;

import dev.gcl.Gcl;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;

import java.util.Random;

/**
 * What an embedding team's code does: {@code new Gcl(config).fit(data)} with the default (silent) listener, run
 * by {@link FirstContactApiTest} in a JVM whose stand-in GPU fails its canary. Prints the model's provenance.
 */
public final class ApiFallbackMain {
    private ApiFallbackMain() {}

    public static void main(String[] args) {
        int rows = 256, dim = 16;
        float[] x = new float[rows * dim];
        Random random = new Random(7);
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        GclConfig config = GclConfig.builder().variant(Variant.GCL_B).epochs(1).batchSize(64)
                .generatorHidden(new int[] {8}).discriminatorHidden(new int[] {4}).build();
        GclModel model = new Gcl(config).fit(TrainingData.flat(x, rows, dim));
        System.out.println("backend " + model.provenance().backend());
        System.out.println("device " + model.provenance().device());
        System.out.println("note " + model.provenance().backendNote());
    }
}
