package dev.gcl.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pictures of a run, as headless PNGs drawn with JFreeChart: ROC curve, per-video score timeline with
 * ground-truth spans shaded (paper figure 8), score histograms of normal vs anomalous segments (figure 4), test AUC
 * per epoch (figure 7) and a box plot of sweep results (figure 10). Each file is written under a temporary name
 * and renamed, so a reader never sees half a PNG.
 */
public final class Charts {
    private static final int WIDTH = 900, HEIGHT = 600;
    private static final Color ANOMALY_SHADE = new Color(220, 60, 60, 60);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** ROC curve with the chance diagonal; the legend gives the AUC. */
    public static void roc(RocCurve curve, String title, Path png) {
        XYSeries s = new XYSeries(String.format(java.util.Locale.ROOT, "ROC (AUC %.4f)", curve.area()), false, true);
        for (int i = 0; i < curve.falsePositiveRate().length; i++) {
            s.add(curve.falsePositiveRate()[i], curve.truePositiveRate()[i]);
        }
        XYSeries chance = new XYSeries("chance", false, true);
        chance.add(0, 0);
        chance.add(1, 1);
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(s);
        data.addSeries(chance);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "false positive rate", "true positive rate", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.getRenderer().setSeriesPaint(1, Color.GRAY);
        plot.getRenderer().setSeriesStroke(1, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 6f}, 0f));
        plot.getDomainAxis().setRange(0, 1);
        plot.getRangeAxis().setRange(0, 1.0001);
        write(chart, png, HEIGHT, HEIGHT);
    }

    /**
     * Anomaly score per frame of one video, frames labelled anomalous shaded (paper figure 8).
     * frameScores and frameLabels have one entry per frame.
     */
    public static void timeline(String video, float[] frameScores, int[] frameLabels, Path png) {
        XYSeries s = new XYSeries("anomaly score", false, true);
        for (int f = 0; f < frameScores.length; f++) s.add(f, frameScores[f]);
        JFreeChart chart = ChartFactory.createXYLineChart(video, "frame", "anomaly score",
                new XYSeriesCollection(s), PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = chart.getXYPlot();
        for (int f = 0; f < frameLabels.length; ) {
            if (frameLabels[f] == 0) {
                f++;
                continue;
            }
            int start = f;
            while (f < frameLabels.length && frameLabels[f] != 0) f++;
            IntervalMarker span = new IntervalMarker(start, f - 1);
            span.setPaint(ANOMALY_SHADE);
            plot.addDomainMarker(span, Layer.BACKGROUND);
        }
        plot.getDomainAxis().setRange(0, Math.max(1, frameScores.length - 1));
        write(chart, png, WIDTH, HEIGHT / 2);
    }

    /**
     * Overlaid histograms of a value for normal and anomalous items (paper figure 4); each histogram shows the
     * fraction of its own items per bin. itemName names what is counted ("frames", "segments").
     */
    public static void histograms(String title, String valueName, String itemName, float[] normal, float[] anomalous,
                                  Path png) {
        HistogramDataset data = new HistogramDataset();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float[] a : new float[][] {normal, anomalous}) {
            for (float v : a) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi > lo)) hi = lo + 1;
        if (normal.length > 0) data.addSeries("normal (" + normal.length + ")", toDouble(normal), 50, lo, hi);
        if (anomalous.length > 0) data.addSeries("anomalous (" + anomalous.length + ")", toDouble(anomalous), 50, lo, hi);
        data.setType(org.jfree.data.statistics.HistogramType.RELATIVE_FREQUENCY);
        JFreeChart chart = ChartFactory.createHistogram(title, valueName, "fraction of " + itemName, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, new Color(40, 110, 200, 140));
        r.setSeriesPaint(1, new Color(220, 50, 50, 140));
        write(chart, png, WIDTH, HEIGHT);
    }

    /** One line per named series over epochs (test AUC per epoch, paper figure 7). */
    public static void perEpoch(String title, String valueName, Map<String, double[]> series, Path png) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            for (int i = 0; i < e.getValue().length; i++) s.add(i + 1, e.getValue()[i]);
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", valueName, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        r.setDefaultShapesVisible(true);
        r.setDefaultStroke(new BasicStroke(2f));
        r.setAutoPopulateSeriesStroke(false);
        write(chart, png, WIDTH, HEIGHT);
    }

    /** Box plot of values per group (sweep results, paper figure 10). */
    public static void boxPlot(String title, String valueName, Map<String, List<Double>> groups, Path png) {
        DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
        for (Map.Entry<String, List<Double>> e : groups.entrySet()) {
            data.add(new ArrayList<>(e.getValue()), valueName, e.getKey());
        }
        JFreeChart chart = ChartFactory.createBoxAndWhiskerChart(title, "", valueName, data, false);
        BoxAndWhiskerRenderer r = (BoxAndWhiskerRenderer) chart.getCategoryPlot().getRenderer();
        r.setMeanVisible(false);
        r.setMaximumBarWidth(0.12);
        r.setSeriesPaint(0, new Color(90, 140, 210));
        write(chart, png, WIDTH, HEIGHT);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static void write(JFreeChart chart, Path png, int width, int height) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof XYPlot) {
            XYPlot p = chart.getXYPlot();
            p.setDomainGridlinePaint(Color.LIGHT_GRAY);
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        } else if (chart.getPlot() instanceof CategoryPlot) {
            chart.getCategoryPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        try {
            Path target = png.toAbsolutePath();
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            try {
                ChartUtils.saveChartAsPNG(tmp.toFile(), chart, width, height);
                Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                dev.gcl.io.CrashPoint.reached("picture-written");
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw dev.gcl.io.DiskFull.orUnchecked(png, "cannot write chart " + png, e);
        }
    }
}
