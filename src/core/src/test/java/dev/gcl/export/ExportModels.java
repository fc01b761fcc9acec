package dev.gcl.export;

import dev.gcl.backend.Activation;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.model.GclModel;
import dev.gcl.model.ScoringArithmetic;
import dev.gcl.nn.NetworkWeights;

import java.util.List;

/** Models the export tests write: freshly initialised networks, small (D 10) or the paper's (D 2048). */
final class ExportModels {
    private ExportModels() {}

    /** size "small" or "paper"; scoring with the reference arithmetic. */
    static GclModel model(String size, Variant variant) {
        boolean paper = size.equals("paper");
        int dim = paper ? 2048 : 10;
        GclConfig.Builder b = GclConfig.builder().variant(variant).seed(paper ? 11 : 7);
        if (!paper) b.generatorHidden(12, 5, 12).discriminatorHidden(6, 3);
        GclConfig config = b.build();
        NetworkWeights g = NetworkWeights.initialise(config.generatorDims(dim), Activation.IDENTITY, config.seed(), 0);
        NetworkWeights d = variant.usesDiscriminator()
                ? NetworkWeights.initialise(config.discriminatorDims(dim), Activation.SIGMOID, config.seed(), 100)
                : null;
        return GclModel.of(config, g, d, List.of()).withScorer(ScoringArithmetic.REFERENCE, 1);
    }

}
