package dev.gcl.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.backend.Backend;
import dev.gcl.backend.Precision;
import dev.gcl.config.GclConfig;
import dev.gcl.data.TrainingData;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What {@code gcl verify} does: the per-op parity suite on random shapes ({@link OpParity#randomSuite}) and N gcl-b
 * iterations from one seed ({@link TrainingParity}), a candidate backend against the reference, with a table for
 * people ({@link #print}) and the same as JSON ({@link #toJson}).
 *
 * @param candidate  what was checked, e.g. "cuda tf32 (NVIDIA H200, ...)"
 * @param data       where the training rows came from
 */
public record Verification(String candidate, String reference, Precision precision, long seed, String data,
                           GclConfig config, ParityTolerances.Training trainingTolerance, List<Comparison> ops,
                           List<TrainingParity.Iteration> iterations) {

    /**
     * Runs both parts. The candidate backend is opened once for the op suite and once per training run; so is the
     * reference. trainingData must hold exactly iterations × config.batchSize() rows.
     */
    public static Verification run(String candidateName, Supplier<Backend> candidate, String referenceName,
                                   Supplier<Backend> reference, Precision precision, long seed, String dataName,
                                   TrainingData trainingData, GclConfig config) {
        return run(candidateName, candidate, ParityTolerances.cuda(precision), referenceName, reference, precision,
                seed, dataName, trainingData, config);
    }

    /** As above with the candidate's op tolerances given (e.g. {@link ParityTolerances#blasFp32()}). */
    public static Verification run(String candidateName, Supplier<Backend> candidate,
                                   ParityTolerances.OpTolerances opTolerances, String referenceName,
                                   Supplier<Backend> reference, Precision precision, long seed, String dataName,
                                   TrainingData trainingData, GclConfig config) {
        List<Comparison> ops;
        try (Backend c = candidate.get(); Backend r = reference.get()) {
            ops = new OpParity(c, r, opTolerances).randomSuite(seed);
        }
        int n = trainingData.rows() / config.batchSize();
        ParityTolerances.Training tol = ParityTolerances.training(precision, config.learningRate(), config.rmsAlpha(),
                config.momentum(), n);
        List<TrainingParity.Iteration> its = TrainingParity.run(trainingData, config, candidate, reference, tol);
        return new Verification(candidateName, referenceName, precision, seed, dataName, config, tol, ops, its);
    }

    public long failedOps() {
        return ops.stream().filter(c -> !c.passed()).count();
    }

    public long failedIterations() {
        return iterations.stream().filter(i -> !i.passed()).count();
    }

    public boolean passed() {
        return failedOps() == 0 && failedIterations() == 0 && !iterations.isEmpty();
    }

    /** The last line: PASS or FAIL with what failed. */
    public String verdict() {
        if (passed()) {
            return String.format(Locale.ROOT, "verify: PASS: %d op outputs and %d iterations within tolerance (%s vs %s)",
                    ops.size(), iterations.size(), candidate, reference);
        }
        return String.format(Locale.ROOT, "verify: FAIL: %d of %d op outputs and %d of %d iterations outside tolerance"
                + " (%s vs %s)", failedOps(), ops.size(), failedIterations(), iterations.size(), candidate, reference);
    }

    private static String e(double v) {
        return String.format(Locale.ROOT, "%.2e", v);
    }

    /** The two tables and the verdict. */
    public void print(PrintWriter out) {
        out.printf(Locale.ROOT, "ops: %s vs %s, %s, shapes from seed %d%n", candidate, reference, precision.cliName(), seed);
        out.printf(Locale.ROOT, "%-30s %-26s %10s %10s  %-40s %s%n", "op", "shape", "max abs", "max rel", "tolerance",
                "pass");
        for (Comparison c : ops) {
            out.printf(Locale.ROOT, "%-30s %-26s %10s %10s  %-40s %s%n", c.op(), c.shape(), e(c.maxAbs()),
                    e(c.maxRel()), c.tolerance().describe(), c.passed() ? "yes" : "NO: " + c.failures() + " of "
                            + c.elements() + ", worst [" + c.worst() + "] " + c.worstGot() + " vs " + c.worstRef());
        }
        out.println();
        out.printf(Locale.ROOT, "iterations: gcl-b, %d x %d rows of %s, seed %d; G %s, D %s; tolerances: losses %s +"
                        + " %s·|ref|, weights %s + %s·|ref|, labels within %s·|threshold|%n", iterations.size(),
                config.batchSize(), data, config.seed(), java.util.Arrays.toString(config.generatorHidden()),
                java.util.Arrays.toString(config.discriminatorHidden()), e(trainingTolerance.lossAtol()),
                e(trainingTolerance.lossRtol()), e(trainingTolerance.weightAtol()), e(trainingTolerance.weightRtol()),
                e(trainingTolerance.thresholdRtol()));
        out.printf(Locale.ROOT, "%4s %11s %11s %11s %11s  %-28s %7s %14s  %s%n", "iter", "G loss", "G diff", "D loss",
                "D diff", "max weight diff (tensor)", "labels", "disagreements", "pass");
        for (TrainingParity.Iteration it : iterations) {
            out.printf(Locale.ROOT, "%4d %11.6g %11s %11.6g %11s  %-28s %7d %14s  %s%n", it.iteration(),
                    it.gLossReference(), e(it.gLossDiff()), it.dLossReference(), e(it.dLossDiff()),
                    e(it.maxWeightDiff()) + " (" + it.maxWeightTensor() + ")", it.labelsCompared(),
                    it.disagreements().size() + " (" + it.disagreementsOutsideTolerance() + " far)",
                    it.passed() ? "yes" : "NO" + reasons(it));
            for (TrainingParity.Disagreement d : it.disagreements()) {
                out.printf(Locale.ROOT, "       %s label of row %d: reference %d, value %.9g, threshold %.9g, margin %+.2e"
                                + " of the threshold (%s)%n", d.network(), d.row(), d.referenceLabel() ? 1 : 0, d.value(),
                        d.threshold(), d.margin(), d.nearThreshold() ? "within tolerance" : "OUTSIDE tolerance");
            }
        }
        out.println();
        out.println(verdict());
    }

    private static String reasons(TrainingParity.Iteration it) {
        StringBuilder sb = new StringBuilder();
        if (it.problem() != null) sb.append(": ").append(it.problem());
        if (!it.lossesPass()) sb.append(": losses");
        if (!it.weightsPass()) sb.append(": weights");
        if (it.disagreementsOutsideTolerance() > 0) sb.append(": labels far from their threshold");
        return sb.toString();
    }

    /** Everything print shows, as verify.json. */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode r = json.createObjectNode();
        r.put("passed", passed());
        r.put("verdict", verdict());
        r.put("candidate", candidate);
        r.put("reference", reference);
        r.put("precision", precision.cliName());
        r.put("seed", seed);
        ArrayNode opArray = r.putArray("ops");
        for (Comparison c : ops) {
            ObjectNode o = opArray.addObject();
            o.put("op", c.op());
            o.put("shape", c.shape());
            o.put("elements", c.elements());
            putNumber(o, "max_abs", c.maxAbs());
            putNumber(o, "max_rel", c.maxRel());
            o.put("tolerance", c.tolerance().describe());
            o.put("atol", c.tolerance().atol());
            o.put("rtol", c.tolerance().rtol());
            o.put("product_rtol", c.tolerance().productRtol());
            o.put("failures", c.failures());
            o.put("worst_index", c.worst());
            putNumber(o, "worst_got", c.worstGot());
            putNumber(o, "worst_ref", c.worstRef());
            o.put("pass", c.passed());
        }
        ObjectNode t = r.putObject("training");
        t.put("variant", "gcl-b");
        t.put("data", data);
        t.put("batch", config.batchSize());
        t.put("config", config.toString());
        ObjectNode tol = t.putObject("tolerance");
        tol.put("loss_atol", trainingTolerance.lossAtol());
        tol.put("loss_rtol", trainingTolerance.lossRtol());
        tol.put("weight_atol", trainingTolerance.weightAtol());
        tol.put("weight_rtol", trainingTolerance.weightRtol());
        tol.put("threshold_rtol", trainingTolerance.thresholdRtol());
        ArrayNode itArray = t.putArray("iterations");
        for (TrainingParity.Iteration it : iterations) {
            ObjectNode o = itArray.addObject();
            o.put("iteration", it.iteration());
            o.put("rows", it.rows());
            putNumber(o, "g_loss_reference", it.gLossReference());
            putNumber(o, "g_loss_candidate", it.gLossCandidate());
            putNumber(o, "g_loss_diff", it.gLossDiff());
            putNumber(o, "d_loss_reference", it.dLossReference());
            putNumber(o, "d_loss_candidate", it.dLossCandidate());
            putNumber(o, "d_loss_diff", it.dLossDiff());
            o.put("losses_pass", it.lossesPass());
            putNumber(o, "max_weight_diff", it.maxWeightDiff());
            o.put("max_weight_tensor", it.maxWeightTensor());
            o.put("max_weight_index", it.maxWeightIndex());
            o.put("weights_pass", it.weightsPass());
            o.put("labels_compared", it.labelsCompared());
            ArrayNode ds = o.putArray("disagreements");
            for (TrainingParity.Disagreement d : it.disagreements()) {
                ObjectNode x = ds.addObject();
                x.put("network", d.network());
                x.put("row", d.row());
                x.put("reference_label", d.referenceLabel() ? 1 : 0);
                putNumber(x, "value", d.value());
                putNumber(x, "threshold", d.threshold());
                putNumber(x, "margin", d.margin());
                x.put("within_tolerance", d.nearThreshold());
            }
            if (it.problem() != null) o.put("problem", it.problem());
            o.put("pass", it.passed());
        }
        return r;
    }

    private static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isFinite(v)) node.put(key, v);
        else node.put(key, Double.toString(v));  // "NaN", "Infinity": a verification report must keep them
    }
}
