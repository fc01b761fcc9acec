package dev.gcl.train;

import dev.gcl.Gcl;
import dev.gcl.config.GclConfig;
import dev.gcl.progress.TrainingListener;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SmallDataCheckTest {

    @Test
    void iterationsPerEpochCountAFinalBatchOfAtLeastTwoRows() {
        assertEquals(1, SmallDataCheck.iterationsPerEpoch(1016, 8192));  // the batch shrinks to the data
        assertEquals(32, SmallDataCheck.iterationsPerEpoch(1000, 32));   // 31 full batches and one of the 8 left
        assertEquals(31, SmallDataCheck.iterationsPerEpoch(993, 32));    // 31 full, 1 row left: skipped as trained
        assertEquals(32, SmallDataCheck.iterationsPerEpoch(994, 32));
    }

    @Test
    void paperDefaultsOnAFewThousandSegmentsWarnWithTheArithmetic() {
        String w = SmallDataCheck.warning(GclConfig.defaults(), 1016, 32).orElseThrow();
        assertTrue(w.startsWith("warning: small data: 1016 training segments at batch 8192 give 1 iteration per epoch"), w);
        assertTrue(w.endsWith("--batch 16 --lr 3e-3 --g-hidden 32,16,8,16,32 --d-hidden 16,8 --cleaning quantile"
                + " --cleaning-value 0.8"), w);
        assertFalse(w.contains("\n"), "one line");
    }

    @Test
    void ucfCrimeScaleWithPaperDefaultsDoesNotWarn() {
        assertTrue(SmallDataCheck.warning(GclConfig.defaults(), 800_000, 2048).isEmpty());   // 97 iterations per epoch
        assertTrue(SmallDataCheck.warning(GclConfig.defaults(), 20 * 8192, 2048).isEmpty());
        assertTrue(SmallDataCheck.warning(GclConfig.defaults(), 19 * 8192, 2048).isPresent());
    }

    @Test
    void theSuggestedSettingsDoNotWarnThemselves() {
        for (int rows : new int[] {40, 320, 1016, 8_000, 50_000, 163_839}) {
            Map<String, String> s = SmallDataCheck.smallScaleSettings(rows, 64);
            GclConfig c = GclConfig.builder().batchSize(Integer.parseInt(s.get("batch"))).build();
            assertTrue(SmallDataCheck.warning(c, rows, 64).isEmpty(), rows + " rows: " + s);
        }
        assertEquals(Map.of(), SmallDataCheck.smallScaleSettings(39, 64));  // no batch >= 2 gives 20 iterations
        assertEquals("2", SmallDataCheck.smallScaleSettings(40, 64).get("batch"));
        assertEquals("256", SmallDataCheck.smallScaleSettings(8220, 64).get("batch"));  // the built-in demo's
        assertEquals("1e-3", SmallDataCheck.smallScaleSettings(8220, 64).get("lr"));
        assertTrue(SmallDataCheck.warning(GclConfig.defaults(), 39, 64).orElseThrow().contains("at any batch size"));
    }

    @Test
    void networksFollowTheFeatureDimension() {
        assertEquals("32,16,8,16,32", SmallDataCheck.smallScaleSettings(1016, 32).get("g-hidden"));
        assertEquals("16,8", SmallDataCheck.smallScaleSettings(1016, 32).get("d-hidden"));
        assertEquals("64,32,16,32,64", SmallDataCheck.smallScaleSettings(8000, 64).get("g-hidden"));  // the demo's
        assertEquals("1024,512,256,512,1024", SmallDataCheck.smallScaleSettings(8000, 4096).get("g-hidden"));
    }

    @Test
    void theTrainerReportsItThroughTheListener() {
        List<String> messages = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onMessage(String m) {
                messages.add(m);
            }
        };
        GclConfig small = SmallRuns.fastConfig().batchSize(4096).epochs(1).pretrainEpochs(0).build();
        new Gcl(small).withReferenceBackend().withListener(l).fit(SmallRuns.tinyVideos(3).data());
        assertEquals(1, messages.stream().filter(m -> m.startsWith("warning: small data:")).count(), messages.toString());

        messages.clear();
        GclConfig fine = SmallRuns.fastConfig().batchSize(16).epochs(1).pretrainEpochs(0).build();
        new Gcl(fine).withReferenceBackend().withListener(l).fit(SmallRuns.tinyVideos(3).data());
        assertTrue(messages.stream().noneMatch(m -> m.contains("small data")), messages.toString());
    }
}
