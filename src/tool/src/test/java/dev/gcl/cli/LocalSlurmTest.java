package dev.gcl.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The parts of {@link LocalSlurm} that need no daemons: socket paths and the failure digest's filter. */
class LocalSlurmTest {
    @Test
    void stepSocketsInTheShortFolderFitWhereverTheCloneIs() throws Exception {
        Path folder = Files.createTempDirectory(Path.of("/tmp"), "gcl-slurm-");
        try {
            LocalSlurm.checkSocketPath(folder.resolve("spool").resolve(LocalSlurm.LONGEST_STEP_SOCKET));
            LocalSlurm.checkSocketPath(folder.resolve("munge.socket"));
        } finally {
            Files.delete(folder);
        }
    }

    @Test
    void aSocketBelowADeepFolderIsRefusedWithItsLength() {
        Path deep = Path.of("/home/someone/work/projects/video-anomaly/gcl/target/tmp-fork-1/junit-1234567890"
                + "/slurm/spool", LocalSlurm.LONGEST_STEP_SOCKET);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalSlurm.checkSocketPath(deep));
        assertTrue(e.getMessage().contains(deep.toString().length() + " bytes"), e.getMessage());
    }

    @Test
    void theDigestKeepsErrorLines() {
        assertTrue(LocalSlurm.reportsError("[2026-12-03T08:01:02] error: _create_socket: Unix socket path "
                + "'/x/spool/vm_1.4294967291' is too long. (141 > 108)"));
        assertTrue(LocalSlurm.reportsError("fatal: Unable to bind listen port"));
        assertFalse(LocalSlurm.reportsError("[2026-12-03T08:01:02] slurmd version 22.05.8 started"));
    }
}
