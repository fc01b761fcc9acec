package dev.gcl.config;

import dev.gcl.backend.NlTarget;
import dev.gcl.io.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ConfigKeysTest {

    @Test
    void everyKeyReachesItsField() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("variant", "gcl-ws");
        m.put("seed", "42");
        m.put("epochs", "3");
        m.put("pretrain-epochs", "4");
        m.put("batch", "512");
        m.put("lr", "1e-3");
        m.put("momentum", "0.5");
        m.put("rms-alpha", "0.9");
        m.put("rms-eps", "1e-6");
        m.put("k-g", "1.5");
        m.put("k-d", "0.2");
        m.put("nl", "gaussian");
        m.put("sigma", "0.3");
        m.put("g-hidden", "64,32,64");
        m.put("d-hidden", "16,4");
        m.put("cleaning-value", "0.9");
        m.put("cleaning", "quantile");
        m.put("weak-fraction", "0.33");
        m.put("score-by", "reconstruction");
        GclConfig c = ConfigKeys.applyAll(GclConfig.builder(), m).build();
        assertEquals(Variant.GCL_WS, c.variant());
        assertEquals(42, c.seed());
        assertEquals(3, c.epochs());
        assertEquals(4, c.pretrainEpochs());
        assertEquals(512, c.batchSize());
        assertEquals(1e-3, c.learningRate());
        assertEquals(0.5, c.momentum());
        assertEquals(0.9, c.rmsAlpha());
        assertEquals(1e-6, c.rmsEps());
        assertEquals(1.5, c.kG());
        assertEquals(0.2, c.kD());
        assertEquals(NlTarget.GAUSSIAN, c.nlTarget());
        assertEquals(0.3, c.gaussianSigma());
        assertArrayEquals(new int[] {64, 32, 64}, c.generatorHidden());
        assertArrayEquals(new int[] {16, 4}, c.discriminatorHidden());
        assertEquals(CleaningRule.QUANTILE, c.cleaningRule());
        assertEquals(0.9, c.cleaningValue(), "an explicit value survives a later rule change");
        assertEquals(0.33, c.weakLabelFraction());
        assertEquals(ScoreSource.RECONSTRUCTION, c.scoreSource());
        assertEquals(ConfigKeys.names().size(), m.size() + 1, "every key but soft-labels was exercised");
    }

    @Test
    void aRuleWithoutValueGetsTheRulesDefault() {
        GclConfig.Builder b = GclConfig.builder();
        ConfigKeys.apply(b, "cleaning", "mean-std");
        assertEquals(1.0, b.build().cleaningValue());
        ConfigKeys.apply(b, "cleaning", "quantile");
        assertEquals(0.8, b.build().cleaningValue());
    }

    @Test
    void errorsNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigKeys.apply(GclConfig.builder(), "lr", "fast"));
        assertEquals("lr: 'fast' is not a number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConfigKeys.apply(GclConfig.builder(), "nl", "zeros"));
        assertTrue(e.getMessage().startsWith("nl: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConfigKeys.apply(GclConfig.builder(), "speed", "1"));
        assertTrue(e.getMessage().startsWith("unknown setting 'speed'"), e.getMessage());
        assertTrue(ConfigKeys.applyAll(GclConfig.builder(), Map.of("soft-labels", "yes", "variant", "gcl-b"))
                .build().softLabels());
    }

    @Test
    void toMapReadsBackToAnEqualConfig() {
        GclConfig c = GclConfig.builder().variant(Variant.SOFT_LABELS).seed(-3).learningRate(3e-4).nlTarget(NlTarget.RANDOM_NORMAL).generatorHidden(7, 5).cleaning(CleaningRule.MEAN_STD, 2.5).scoreSource(ScoreSource.RECONSTRUCTION).build();
        assertEquals(c, ConfigKeys.applyAll(GclConfig.builder(), ConfigKeys.toMap(c)).build());
        assertEquals(ConfigKeys.names(), ConfigKeys.toMap(c).keySet(), "every key is written");
    }

    private static String parseError(String key, String value) {
        return assertThrows(InvalidInputException.class, () -> ConfigKeys.apply(GclConfig.builder(), key, value))
                .getMessage();
    }

    @Test
    void parseErrorsAreInvalidInputNamingTheKeyOnce() {
        assertEquals("cleaning: cleaningRule: unknown rule 'x' (expected absolute, mean-std or quantile)",
                parseError("cleaning", "x"));
        assertEquals("variant: unknown variant 'y' (known: gcl-b, gcl-pt, gcl-occ, gcl-ws, soft-labels, g-self,"
                + " ae-all, ae-td, ae-occ)", parseError("variant", "y"));
        assertEquals("score-by: 'q' (expected d, reconstruction or auto)", parseError("score-by", "q"));
        assertEquals("soft-labels: 'maybe' is not true or false", parseError("soft-labels", "maybe"));
        assertEquals("g-hidden: '1,a' is not a list of layer sizes like 1024,512,256", parseError("g-hidden", "1,a"));
        assertEquals("seed: '1.5' is not a whole number", parseError("seed", "1.5"));
        assertTrue(parseError("speed", "1").startsWith("unknown setting 'speed' (known: variant, seed, epochs,"));
    }

    @Test
    void toMapWritesTheSameTextAsBefore() {
        assertEquals("{variant=gcl-pt, seed=0, epochs=15, pretrain-epochs=15, batch=8192, lr=2.0E-5, momentum=0.6,"
                + " rms-alpha=0.99, rms-eps=1.0E-8, k-g=1.0, k-d=0.1, nl=ones, sigma=1.0,"
                + " g-hidden=1024,512,256,512,1024, d-hidden=512,32, cleaning=absolute, cleaning-value=0.7, weak-fraction=1.0, soft-labels=false,"
                + " score-by=auto}", ConfigKeys.toMap(GclConfig.defaults()).toString());
        assertEquals("reconstruction", ConfigKeys.toMap(GclConfig.builder().scoreSource(ScoreSource.RECONSTRUCTION)
                .build()).get("score-by"));
        assertEquals("d", ConfigKeys.toMap(GclConfig.builder().scoreSource(ScoreSource.DISCRIMINATOR).build())
                .get("score-by"));
    }
}
