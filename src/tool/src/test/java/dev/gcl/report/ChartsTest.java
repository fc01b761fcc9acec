package dev.gcl.report;

import dev.gcl.eval.RocAuc;
import dev.gcl.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ChartsTest {

    @Test
    void rocCurveRunsFromOriginToOneAndItsAreaIsTheRankAuc() {
        int n = 500;
        float[] s = TestArrays.uniform(n, 0, 1, 3, 0);
        for (int i = 0; i < n; i++) s[i] = Math.round(s[i] * 30) / 30f;  // ties
        float[] u = TestArrays.uniform(n, 0, 1, 3, 1);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = u[i] < s[i] * 0.5 ? 1 : 0;
        RocCurve c = RocCurve.of(s, y);
        assertEquals(0, c.falsePositiveRate()[0]);
        assertEquals(0, c.truePositiveRate()[0]);
        assertEquals(1, c.falsePositiveRate()[c.falsePositiveRate().length - 1], 1e-12);
        assertEquals(1, c.truePositiveRate()[c.truePositiveRate().length - 1], 1e-12);
        assertEquals(32, c.falsePositiveRate().length, "one point per distinct score (31) plus the origin");
        assertEquals(RocAuc.compute(s, y), c.area(), 1e-12);
    }

    private static BufferedImage readPng(Path p) throws IOException {
        assertTrue(Files.exists(p), p + " missing");
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, p + " is not a readable PNG");
        return img;
    }

    @Test
    void everyChartIsWrittenAsAPngWithNoTemporaryLeftBehind(@TempDir Path dir) throws IOException {
        float[] s = {0.1f, 0.4f, 0.35f, 0.8f, 0.7f, 0.2f};
        int[] y = {0, 0, 1, 1, 1, 0};
        Charts.roc(RocCurve.of(s, y), "roc", dir.resolve("roc.png"));
        Charts.timeline("video", s, y, dir.resolve("timeline.png"));
        Charts.histograms("h", "score", "segments", new float[] {0.1f, 0.2f, 0.4f}, new float[] {0.35f, 0.8f}, dir.resolve("h.png"));
        Charts.perEpoch("auc", "AUC", Map.of("gcl-pt", new double[] {0.6, 0.7}), dir.resolve("e.png"));
        Map<String, List<Double>> groups = new LinkedHashMap<>();
        groups.put("gcl-b", List.of(0.5, 0.6, 0.55));
        groups.put("gcl-pt", List.of(0.8, 0.85, 0.9));
        Charts.boxPlot("sweep", "AUC", groups, dir.resolve("nested/box.png"));
        assertEquals(600, readPng(dir.resolve("roc.png")).getWidth());
        assertEquals(300, readPng(dir.resolve("timeline.png")).getHeight());
        readPng(dir.resolve("h.png"));
        readPng(dir.resolve("e.png"));
        readPng(dir.resolve("nested/box.png"));
        try (var files = Files.walk(dir)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count());
        }
    }
}
