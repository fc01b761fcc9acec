package dev.gcl.cli;

import dev.gcl.model.GclModel;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Checkpoints through the tool: on schedule, on SIGINT (a real signal to a child JVM), and resume. */
class CheckpointCliTest {
    @TempDir
    static Path shared;
    static Path dataset;
    /** Enough iterations (32 per epoch, 5 + 5 + 12 epochs) that a signal lands mid-training. */
    static final String[] SETTINGS = {"--epochs", "12", "--pretrain-epochs", "5", "--batch", "32", "--lr", "1e-3",
            "--g-hidden", "32,16,32", "--d-hidden", "16", "--cleaning", "quantile", "--backend", "cpu",
            "--threads", "1", "--no-pictures", "--no-epoch-auc"};

    @BeforeAll
    static void generate() {
        new SyntheticDatasetGenerator(SyntheticConfig.small(5)).write(shared.resolve("data"));
        dataset = shared.resolve("data/dataset.yaml");
    }

    static String[] train(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--quiet", "--data", dataset.toString(), "--out", out.toString()));
        a.addAll(List.of(SETTINGS));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void scheduledCheckpointsDoNotChangeTheResultAndAreRemovedWhenDone(@TempDir Path tmp) {
        Path plain = tmp.resolve("plain"), checked = tmp.resolve("checked");
        assertEquals(Main.OK, CliTest.run(train(plain)).code());
        CliTest.Result r = CliTest.run(train(checked, "--checkpoint-every", "7"));
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(GclModel.load(plain.resolve("model")).generator()
                .bitEquals(GclModel.load(checked.resolve("model")).generator()));
        assertFalse(Files.exists(tmp.resolve("checked-checkpoint")), "a finished run needs no checkpoint");
        CliTest.assertBadInput(CliTest.run(train(tmp.resolve("x"), "--checkpoint-every", "0")), "--checkpoint-every");
        CliTest.assertBadInput(CliTest.run(train(tmp.resolve("x"), "--on-nan", "ignore")), "--on-nan");
    }

    @Test
    void sigintWritesACheckpointExits130AndResumeEqualsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this process (a shell without job control"
                + " started it in the background) and a child inherits that, so no Ctrl-C can reach gcl here");
        Path out = tmp.resolve("run");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jtmp")),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        List<String> args = new ArrayList<>(List.of(train(out)));
        args.remove("--quiet");  // progress lines tell us training has started
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith("pre-train D epoch 2/")) {
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ends after the signal");
        assertEquals(130, p.exitValue(), seen.toString());
        Path checkpoint = tmp.resolve("run-checkpoint");
        assertTrue(seen.toString().contains("interrupted: wrote the checkpoint " + checkpoint), seen.toString());
        assertTrue(Files.isRegularFile(checkpoint.resolve("state.json")));
        assertTrue(Files.isRegularFile(checkpoint.resolve("state.npz")));
        assertFalse(Files.exists(out), "no half-written run directory");
        try (var left = Files.list(tmp)) {
            assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith(".run")), "no staging left");
        }

        CliTest.Result resumed = CliTest.run("train", "--quiet", "--resume", checkpoint.toString());
        assertEquals(Main.OK, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("wrote " + out.toAbsolutePath().normalize()), resumed.out());
        assertFalse(Files.exists(checkpoint), "the checkpoint of a finished run is removed");

        Path whole = tmp.resolve("whole");
        assertEquals(Main.OK, CliTest.run(train(whole)).code());
        GclModel a = GclModel.load(whole.resolve("model")), b = GclModel.load(out.resolve("model"));
        assertTrue(a.generator().bitEquals(b.generator()), "generator after resume differs");
        assertTrue(a.discriminator().bitEquals(b.discriminator()), "discriminator after resume differs");
        System.out.println("resume check: interrupted at '" + lastProgress(seen.toString())
                + "', resumed, weights bit-identical to the uninterrupted run");
    }

    /** Whether this process ignores SIGINT (bit 1 of SigIgn in /proc/self/status); false where that is unknown. */
    static boolean sigintIgnored() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("SigIgn:")) return (Long.parseUnsignedLong(l.substring(7).trim(), 16) & 2L) != 0;
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    private static String lastProgress(String s) {
        String last = "";
        for (String l : s.split("\n")) if (l.contains("epoch")) last = l;
        return last;
    }

    @Test
    void resumeRefusesOtherSettingsChangedDataAndNonCheckpoints(@TempDir Path tmp) {
        Path data = tmp.resolve("data");
        new SyntheticDatasetGenerator(SyntheticConfig.small(6)).write(data);
        Path yaml = data.resolve("dataset.yaml");
        // a checkpoint written through the library: stop at the first boundary
        var ds = dev.gcl.data.DatasetLoader.load(yaml);
        var config = dev.gcl.config.GclConfig.builder().variant("gcl-b").epochs(1).batchSize(64).generatorHidden(16)
                .discriminatorHidden(8).build();
        Path ckpt = tmp.resolve("ckpt");
        dev.gcl.train.CheckpointPolicy stopNow = new dev.gcl.train.CheckpointPolicy() {
            @Override
            public boolean due(dev.gcl.train.TrainerState.Position next, boolean epochEnd) {
                return false;
            }

            @Override
            public void write(dev.gcl.train.TrainerState state) {
                dev.gcl.model.CheckpointFiles.write(ckpt, new dev.gcl.model.CheckpointFiles.Checkpoint(state, config,
                        yaml.toString(), dev.gcl.data.DataFingerprint.of(ds.train()),
                        java.util.Map.of("out", tmp.resolve("run").toString())));
            }

            @Override
            public boolean stopRequested() {
                return true;
            }
        };
        assertThrows(dev.gcl.train.TrainingStoppedException.class,
                () -> new dev.gcl.Gcl(config).withCheckpoints(stopNow).fit(ds.train()));

        CliTest.assertBadInput(CliTest.run("train", "--resume", ckpt.toString(), "--lr", "1"), "--lr");
        CliTest.assertBadInput(CliTest.run("train", "--resume", tmp.resolve("nothing").toString()), "nothing");
        new SyntheticDatasetGenerator(SyntheticConfig.small(7)).write(data);  // other numbers, same files
        CliTest.assertBadInput(CliTest.run("train", "--resume", ckpt.toString()), "data changed since the checkpoint");
        assertFalse(Files.exists(tmp.resolve("run")));
        new SyntheticDatasetGenerator(SyntheticConfig.small(6)).write(data);  // the original data again
        CliTest.Result ok = CliTest.run("train", "--quiet", "--resume", ckpt.toString(), "--backend", "cpu");
        assertEquals(Main.OK, ok.code(), ok.err());
        assertTrue(Files.isRegularFile(tmp.resolve("run/model/weights.npz")));
    }

    @Test
    void divergenceEndsTheRunWithOneLineAndNothingWritten(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        new SyntheticDatasetGenerator(SyntheticConfig.small(8)).write(data);
        Path video;
        try (var s = Files.list(data.resolve("features"))) {
            video = s.filter(f -> f.getFileName().toString().startsWith("train_")).sorted().findFirst().orElseThrow();
        }
        var rows = dev.gcl.io.NpyReader.read(video).shape()[0];
        try (var w = new dev.gcl.io.NpyWriter(video, (int) rows, 32)) {
            float[] huge = new float[32];
            java.util.Arrays.fill(huge, 3e30f);
            for (int r = 0; r < rows; r++) w.writeRow(huge, 0);
        }
        Path out = tmp.resolve("run");
        CliTest.Result r = CliTest.run("train", "--quiet", "--data", data.resolve("dataset.yaml").toString(), "--out",
                out.toString(), "--variant", "gcl-b", "--batch", "64", "--g-hidden", "16", "--d-hidden", "8",
                "--backend", "cpu");
        assertEquals(Main.INTERNAL_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith("gcl: training diverged at iteration "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(out));
    }
}
