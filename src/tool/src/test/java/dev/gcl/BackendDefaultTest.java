package dev.gcl;

import dev.gcl.backend.blas.BlasProbe;
import dev.gcl.backend.cuda.CudaProbe;
import dev.gcl.config.Variant;
import dev.gcl.data.DataFingerprint;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.model.Provenance;
import dev.gcl.progress.TrainingListener;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which backend the Java API trains on when nobody says, and how a caller learns it. */
class BackendDefaultTest {
    private static final TrainingData DATA = SmallRuns.tinyVideos(5).data();

    private static final class Messages implements TrainingListener {
        final List<String> lines = new ArrayList<>();

        @Override
        public void onMessage(String message) {
            lines.add(message);
        }
    }

    @Test
    void theReadmeSnippetTrainsOnBlasWithoutAGpuAndSaysSo() {
        assumeFalse(CudaProbe.get().available(), "a usable GPU: auto picks cuda here");
        assumeTrue(BlasProbe.get().available(), "OpenBLAS does not load here: " + BlasProbe.get().reason());
        Messages messages = new Messages();
        // the README's "From Java": new Gcl(config).fit(data), nothing said about backends
        GclModel model = new Gcl(SmallRuns.fastConfig().variant(Variant.GCL_PT).build()).withListener(messages)
                .fit(DATA);
        assertEquals("blas", model.provenance().backend());
        assertEquals("fp32", model.provenance().precision());
        assertEquals(Runtime.getRuntime().availableProcessors(), model.provenance().threads());
        assertTrue(messages.lines.stream().anyMatch(l -> l.startsWith("backend auto: using blas (OpenBLAS")
                && l.contains("cuda is unavailable")), messages.lines.toString());
    }

    @Test
    void theReferenceIsOneCallAwayAndRecordsItself() {
        Messages messages = new Messages();
        GclModel model = new Gcl(SmallRuns.fastConfig().variant(Variant.GCL_B).build()).withReferenceBackend()
                .withListener(messages).fit(DATA);
        assertEquals("reference", model.provenance().backend());
        assertEquals(Runtime.getRuntime().availableProcessors(), model.provenance().threads());
        assertTrue(messages.lines.stream().noneMatch(l -> l.startsWith("backend auto")), messages.lines.toString());
    }

    @Test
    void aNamedBackendAndThreadCountAreRecorded() {
        GclModel model = new Gcl(SmallRuns.fastConfig().variant(Variant.GCL_B).build()).withBackend("cpu", 1)
                .fit(DATA);
        assertEquals("reference", model.provenance().backend());
        assertEquals(1, model.provenance().threads());
        assertEquals(DataFingerprint.of(DATA), model.provenance().dataFingerprint());
        assertEquals(Provenance.currentLibraryVersion(), model.provenance().libraryVersion());
        assertNotNull(model.provenance().libraryVersion());
    }

    @Test
    void autoWithAThreadCountTrainsOnThatMany() {
        assumeFalse(CudaProbe.get().available(), "a usable GPU: auto picks cuda, which has no thread count");
        GclModel model = new Gcl(SmallRuns.fastConfig().variant(Variant.GCL_B).build()).withBackend("auto", 1)
                .fit(DATA);
        assertEquals(1, model.provenance().threads());
    }

    @Test
    void unknownOrBadBackendsAreRefusedBeforeTraining() {
        Gcl gcl = new Gcl(SmallRuns.fastConfig().build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gcl.withBackend("tpu", 2));
        assertTrue(e.getMessage().contains("unknown backend 'tpu'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gcl.withBackend("blas", 0));
    }
}
