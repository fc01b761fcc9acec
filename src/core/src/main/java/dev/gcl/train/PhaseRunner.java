package dev.gcl.train;

import dev.gcl.backend.IterationGraphs;
import dev.gcl.data.TrainingData;
import dev.gcl.nn.Network;
import dev.gcl.progress.EpochStats;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.Phase;
import dev.gcl.rng.RandomStream;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a plan's phases around {@link GclIteration}: each epoch draws a fresh permutation of the phase's rows
 * from stream (seed, shuffle purpose, epoch); batches are consecutive slices; a last batch of fewer than 2 rows is
 * skipped. Between iterations it checkpoints when the policy says so (and stops when asked), after each epoch it
 * checks the weights, evaluates and reports; it resumes from a checkpoint's phase, epoch and batch.
 *
 * <p>With {@link IterationGraphs} (a GPU backend replaying each iteration as one graph) an iteration's results are
 * read after the next iteration is queued, so the host never waits for the device inside an epoch; everything
 * else happens in the same order as without: an iteration boundary that checkpoints or stops is decided before the
 * next iteration is queued, and then that iteration's predecessor is read first. A non-finite value is seen one
 * iteration later; the next iteration has run by then, its own updates skipped on the device when its values are
 * not finite (the RMSprop guards).
 */
final class PhaseRunner {
    private final long seed;
    private final TrainingData data;
    private final Batches batches;
    private final GclIteration iteration;
    private final Network g, d;
    private final int batch;
    private final GclTrainer.Options options;
    private final NonFiniteValues nonFinite;
    private final IterationGraphs graphs;  // null: every op as it is called, results downloaded at once
    private final List<EpochStats> history = new ArrayList<>();
    private int globalIteration;

    PhaseRunner(long seed, TrainingData data, Batches batches, int batch, GclIteration iteration, Network g,
                Network d, GclTrainer.Options options, NonFiniteValues nonFinite, IterationGraphs graphs) {
        this.seed = seed;
        this.data = data;
        this.batches = batches;
        this.batch = batch;
        this.iteration = iteration;
        this.g = g;
        this.d = d;
        this.options = options;
        this.nonFinite = nonFinite;
        this.graphs = graphs;
    }

    /** The shape of a recorded iteration: everything its ops are given but the batch start and the iteration. */
    private record Shape(PhasePlan.Step step, int rows, boolean loadsBatch) {}

    /** An iteration queued on the graphs, its results not read yet. */
    private record Queued(IterationGraphs.Pending results, int rows) {}

    /** Runs the plan from its start, or from resume's position; returns every epoch's stats. */
    List<EpochStats> run(List<PhasePlan> plan, TrainerState resume) {
        int first = 0;
        if (resume != null) {
            first = resume.position().phase();
            history.addAll(resume.history());
            globalIteration = resume.position().globalIteration();
        }
        for (int p = first; p < plan.size(); p++) {
            runEpochs(p, plan.get(p), plan.size(), resume != null && p == first ? resume : null);
        }
        return List.copyOf(history);
    }

    private void runEpochs(int p, PhasePlan phase, int phases, TrainerState resume) {
        int n = phase.rows(data);
        int itersPerEpoch = n / batch + (n % batch >= 2 ? 1 : 0);
        options.listener().onPhaseStart(phase.phase(), phase.epochs(), itersPerEpoch);
        int[] rowsOrder = new int[n];
        int firstEpoch = resume == null ? 0 : resume.position().epoch();
        for (int epoch = firstEpoch; epoch < phase.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int[] perm = new RandomStream(seed, phase.shuffle(), epoch).permutation(n);
            for (int k = 0; k < n; k++) rowsOrder[k] = phase.subset() == null ? perm[k] : phase.subset()[perm[k]];
            batches.order(rowsOrder, n);
            boolean resumingThisEpoch = resume != null && epoch == firstEpoch;
            EpochAccumulator acc = resumingThisEpoch ? EpochAccumulator.from(resume.epochProgress())
                    : new EpochAccumulator();
            Queued queued = null;
            for (int start = resumingThisEpoch ? resume.position().batchStart() : 0; start < n; start += batch) {
                int rows = Math.min(batch, n - start);
                if (rows < 2) break;
                if (graphs == null) {
                    batches.load(rowsOrder, start, rows, n);
                    finish(phase, epoch, acc, iteration.run(phase.step(), rows, globalIteration), rows);
                    int next = start + batch;
                    if (next < n && n - next >= 2) {
                        boundary(new TrainerState.Position(p, epoch, next, globalIteration), false, acc,
                                (System.nanoTime() - t0) / 1e9);
                    }
                    continue;
                }
                if (queued != null) {  // the boundary after the queued iteration, decided before this one is queued
                    TrainerState.Position next = new TrainerState.Position(p, epoch, start, globalIteration + 1);
                    CheckpointPolicy checkpoints = options.checkpoints();
                    boolean stop = checkpoints.stopRequested();
                    if (stop || checkpoints.due(next, false)) {
                        finish(phase, epoch, acc, read(queued), queued.rows());
                        queued = null;
                        checkpointAndStop(next, false, stop, acc, (System.nanoTime() - t0) / 1e9);
                    }
                }
                int number = globalIteration + (queued == null ? 0 : 1);
                Queued now = queue(phase.step(), rowsOrder, start, rows, n, number);
                if (queued != null) finish(phase, epoch, acc, read(queued), queued.rows());
                queued = now;
            }
            if (queued != null) finish(phase, epoch, acc, read(queued), queued.rows());
            endEpoch(phase.phase(), epoch, acc, acc.priorSeconds + (System.nanoTime() - t0) / 1e9);
            TrainerState.Position next = epoch + 1 < phase.epochs()
                    ? new TrainerState.Position(p, epoch + 1, 0, globalIteration)
                    : new TrainerState.Position(p + 1, 0, 0, globalIteration);
            if (next.phase() < phases) boundary(next, true, new EpochAccumulator(), 0);
        }
    }

    /** Adds an iteration's results to the epoch, reports it, and counts it. */
    private void finish(PhasePlan phase, int epoch, EpochAccumulator acc, IterationScalars s, int rows) {
        acc.add(phase.step(), d != null, s, rows, nonFinite, globalIteration);
        options.listener().onIteration(new IterationStats(phase.phase(), epoch, acc.iterations, rows, acc.lastG,
                acc.lastD, acc.hasLabelsG ? acc.lastAnomalousG : -1, acc.hasLabelsD ? acc.lastAnomalousD : -1));
        acc.iterations++;
        acc.segments += rows;
        globalIteration++;
    }

    /** Queues one iteration on the graphs: the batch's gather inside it when the rows are on the device. */
    private Queued queue(PhasePlan.Step step, int[] rowsOrder, int start, int rows, int n, int number) {
        boolean inside = batches.onDevice();
        if (!inside) batches.load(rowsOrder, start, rows, n);
        Runnable ops = () -> {
            if (inside) batches.load(rowsOrder, start, rows, n);
            iteration.queue(step, rows, number);
        };
        return new Queued(graphs.run(new Shape(step, rows, inside), start, rows, number, ops, iteration.results(),
                IterationScalars.COUNT), rows);
    }

    private IterationScalars read(Queued q) {
        q.results().await(iteration.scalars().values());
        return iteration.scalars();
    }

    /** Checks the weights, evaluates where asked, records and reports the epoch. */
    private void endEpoch(Phase phase, int epoch, EpochAccumulator acc, double seconds) {
        nonFinite.checkWeights(phase.name().toLowerCase(), epoch, globalIteration);
        double metric = Double.NaN;
        if (options.evaluator() != null && (phase == Phase.COOPERATIVE || phase == Phase.AUTOENCODER)) {
            metric = options.evaluator().evaluate(g.download(), d == null ? null : d.download());
        }
        EpochStats s = new EpochStats(phase, epoch, acc.iterations, (int) acc.segments,
                acc.hasG ? acc.gLoss / acc.iterations : Double.NaN,
                acc.hasD ? acc.dLoss / acc.iterations : Double.NaN,
                acc.hasLabelsG ? (double) acc.anomalousG / acc.segments : Double.NaN,
                acc.hasLabelsD ? (double) acc.anomalousD / acc.segments : Double.NaN, seconds, metric);
        history.add(s);
        options.listener().onEpochEnd(s);
    }

    /** An iteration boundary: checkpoint when due or when a stop was asked for; then stop if asked. */
    private void boundary(TrainerState.Position next, boolean epochEnd, EpochAccumulator acc, double seconds) {
        CheckpointPolicy checkpoints = options.checkpoints();
        boolean stop = checkpoints.stopRequested();
        if (stop || checkpoints.due(next, epochEnd)) checkpointAndStop(next, epochEnd, stop, acc, seconds);
    }

    /** Writes the checkpoint of a boundary that wants one; then stops if asked. */
    private void checkpointAndStop(TrainerState.Position next, boolean epochEnd, boolean stop, EpochAccumulator acc,
                                   double seconds) {
        options.checkpoints().write(new TrainerState(next, g.download(), g.downloadOptimizer(),
                d == null ? null : d.download(), d == null ? null : d.downloadOptimizer(), List.copyOf(history),
                epochEnd ? TrainerState.EpochProgress.EMPTY : acc.progress(seconds)));
        if (stop) throw new TrainingStoppedException(next);
    }
}
