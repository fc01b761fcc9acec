package dev.gcl.config;

import dev.gcl.Gcl;
import dev.gcl.backend.NlTarget;
import dev.gcl.data.TrainingData;
import dev.gcl.io.InvalidInputException;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

class GclConfigTest {

    @Test
    void defaultsAreThePapers() {
        GclConfig c = GclConfig.defaults();
        assertEquals(Variant.GCL_PT, c.variant());
        assertEquals(8192, c.batchSize());
        assertEquals(15, c.epochs());
        assertEquals(15, c.pretrainEpochs());
        assertEquals(2e-5, c.learningRate());
        assertEquals(0.6, c.momentum());
        assertEquals(0.99, c.rmsAlpha());
        assertEquals(1e-8, c.rmsEps());
        assertEquals(1.0, c.kG());
        assertEquals(0.1, c.kD());
        assertEquals(NlTarget.ONES, c.nlTarget());
        assertEquals(1.0, c.gaussianSigma());
        assertArrayEquals(new int[] {1024, 512, 256, 512, 1024}, c.generatorHidden());
        assertArrayEquals(new int[] {512, 32}, c.discriminatorHidden());
        assertEquals(CleaningRule.ABSOLUTE, c.cleaningRule());
        assertEquals(0.70, c.cleaningValue());
        assertArrayEquals(new int[] {2048, 1024, 512, 256, 512, 1024, 2048}, c.generatorDims(2048));
        assertArrayEquals(new int[] {2048, 512, 32, 1}, c.discriminatorDims(2048));
        assertEquals(ScoreSource.DISCRIMINATOR, c.resolvedScoreSource());
    }

    private static void assertRejected(String field, Consumer<GclConfig.Builder> change) {
        GclConfig.Builder b = GclConfig.builder();
        change.accept(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().startsWith(field + ": "), "message should name " + field + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void invalidValuesAreRejectedNamingTheField() {
        assertRejected("batchSize", b -> b.batchSize(1));
        assertRejected("epochs", b -> b.epochs(0));
        assertRejected("pretrainEpochs", b -> b.pretrainEpochs(-1));
        assertRejected("kG", b -> b.kG(-0.5));
        assertRejected("kD", b -> b.kD(-1));
        assertRejected("kD", b -> b.kD(Double.NaN));
        assertRejected("learningRate", b -> b.learningRate(0));
        assertRejected("momentum", b -> b.momentum(1.0));
        assertRejected("rmsEps", b -> b.rmsEps(0));
        assertRejected("gaussianSigma", b -> b.gaussianSigma(0));
        assertRejected("generatorHidden", b -> b.generatorHidden(64, 0, 64));
        assertRejected("generatorHidden", b -> b.generatorHidden());
        assertRejected("discriminatorHidden", b -> b.discriminatorHidden(-3));
        assertRejected("cleaningValue", b -> b.cleaning(CleaningRule.QUANTILE, 1.5));
        assertRejected("cleaningValue", b -> b.cleaning(CleaningRule.ABSOLUTE, 0));
        assertRejected("weakLabelFraction", b -> b.weakLabelFraction(0));
        assertRejected("softLabels", b -> b.variant(Variant.AE_ALL).softLabels(true));
        assertRejected("scoreSource", b -> b.variant(Variant.G_SELF).scoreSource(ScoreSource.DISCRIMINATOR));
        assertRejected("variant", b -> b.variant((Variant) null));
    }

    @Test
    void unknownNamesAreRejectedListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Variant.parse("gcl-x"));
        assertTrue(e.getMessage().startsWith("variant: unknown variant 'gcl-x'"));
        assertTrue(e.getMessage().contains("gcl-pt"));
        assertThrows(IllegalArgumentException.class, () -> NlTarget.parse("zeros"));
        assertEquals(NlTarget.RANDOM_NORMAL, NlTarget.parse("random-normal"));
        for (Variant v : Variant.values()) assertEquals(v, Variant.parse(v.cliName()));
    }

    @Test
    void variantsThatNeedLabelsOrATimeAxisSaySoAtFit() {
        TrainingData unlabelled = TrainingData.videos(SmallRuns.tinyVideos(1).data().features(), 32,
                new int[] {0, 10, SmallRuns.tinyVideos(1).data().rows()});
        for (Variant v : new Variant[] {Variant.GCL_OCC, Variant.GCL_WS, Variant.AE_OCC}) {
            Gcl gcl = new Gcl(SmallRuns.fastConfig().variant(v).build());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gcl.fit(unlabelled));
            assertTrue(e.getMessage().contains("needs training video labels"), e.getMessage());
        }
        TrainingData flat = TrainingData.flat(new float[40], 10, 4);
        for (Variant v : new Variant[] {Variant.GCL_PT, Variant.AE_TD}) {
            Gcl gcl = new Gcl(SmallRuns.fastConfig().variant(v).build());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gcl.fit(flat));
            assertTrue(e.getMessage().contains("time axis"), e.getMessage());
        }
    }

    @Test
    void toBuilderRoundTrips() {
        GclConfig c = SmallRuns.fastConfig().variant(Variant.GCL_WS).weakLabelFraction(0.33).build();
        assertEquals(c, c.toBuilder().build());
        assertNotEquals(c, c.toBuilder().seed(99).build());
    }

    private static String rejection(Consumer<GclConfig.Builder> change) {
        GclConfig.Builder b = GclConfig.builder();
        change.accept(b);
        return assertThrows(InvalidInputException.class, b::build).getMessage();
    }

    @Test
    void rejectionsAreInvalidInputWithTheirExactMessages() {
        assertEquals("batchSize: must be >= 2 (a standard deviation needs 2 values), got 1",
                rejection(b -> b.batchSize(1)));
        assertEquals("kD: must be a finite number, got NaN", rejection(b -> b.kD(Double.NaN)));
        assertEquals("weakLabelFraction: must be in (0, 1], got NaN", rejection(b -> b.weakLabelFraction(Double.NaN)));
        assertEquals("cleaningValue: a quantile must be in (0, 1], got 1.5",
                rejection(b -> b.cleaning(CleaningRule.QUANTILE, 1.5)));
        assertEquals("generatorHidden: needs at least one hidden layer",
                rejection(b -> b.generatorHidden((int[]) null)));
        assertEquals("cleaningRule: must be set", rejection(b -> b.cleaningRule(null)));
        assertEquals("epochs: must be >= 1, got 0", rejection(b -> b.batchSize(1).epochs(0)),
                "in the order of the settings");
        assertEquals("variant: must be set", rejection(b -> b.generatorHidden().batchSize(1).variant((Variant) null)),
                "a missing choice before any range");
        assertEquals("softLabels: soft labels cannot be combined with gcl-ws weak labels",
                rejection(b -> b.variant(Variant.GCL_WS).softLabels(true)));
    }

    @Test
    void toStringNamesEveryFieldAsBefore() {
        assertEquals("GclConfig[variant=gcl-pt, seed=0, epochs=15, pretrainEpochs=15, batchSize=8192,"
                + " learningRate=2.0E-5, momentum=0.6, rmsAlpha=0.99, rmsEps=1.0E-8, kG=1.0, kD=0.1, nlTarget=ones, gaussianSigma=1.0,"
                + " generatorHidden=[1024, 512, 256, 512, 1024], discriminatorHidden=[512, 32], cleaningRule=absolute,"
                + " cleaningValue=0.7, weakLabelFraction=1.0, softLabels=false, scoreSource=AUTO]",
                GclConfig.defaults().toString());
    }

    @Test
    void widthsAreCopiedInAndOut() {
        int[] widths = {8, 4};
        GclConfig c = GclConfig.builder().generatorHidden(widths).build();
        widths[0] = 99;
        c.generatorHidden()[1] = 99;
        assertArrayEquals(new int[] {8, 4}, c.generatorHidden());
        assertArrayEquals(new int[] {8, 4}, c.get(Settings.G_HIDDEN));
    }

    @Test
    void aRuleGivenLaterKeepsAnExplicitValueAndToBuilderKeepsEveryValue() {
        GclConfig c = GclConfig.builder().cleaningValue(0.5).cleaningRule(CleaningRule.QUANTILE).build();
        assertEquals(0.5, c.cleaningValue());
        assertEquals(0.5, c.toBuilder().cleaningRule(CleaningRule.MEAN_STD).build().cleaningValue(),
                "toBuilder gives every value explicitly");
        assertFalse(GclConfig.builder().isSet(Settings.VARIANT));
        assertTrue(GclConfig.builder().setAll(GclConfig.builder().seed(4)).isSet(Settings.SEED));
    }
}
