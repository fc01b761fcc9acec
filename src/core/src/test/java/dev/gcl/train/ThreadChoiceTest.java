package dev.gcl.train;

import dev.gcl.config.GclConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadChoiceTest {
    private static GclConfig config(int batch, int[] g, int[] d) {
        return GclConfig.builder().batchSize(batch).generatorHidden(g).discriminatorHidden(d).build();
    }

    private static final GclConfig PAPER_B64 = config(64, new int[] {1024, 512, 256, 512, 1024}, new int[] {512, 32});

    @Test
    void forwardMultiplyAddsAreBothNetworksOverOneBatch() {
        // G 768-1024-512-256-512-1024-768, D 768-512-32-1
        long g = 768L * 1024 + 1024 * 512 + 512 * 256 + 256 * 512 + 512 * 1024 + 1024 * 768;
        long d = 768L * 512 + 512 * 32 + 32;
        assertEquals(64 * (g + d), ThreadChoice.forwardMultiplyAdds(PAPER_B64, 615, 768));
        // a batch larger than the data counts the data's rows
        assertEquals(615 * (g + d), ThreadChoice.forwardMultiplyAdds(config(8192, new int[] {1024, 512, 256, 512,
                1024}, new int[] {512, 32}), 615, 768));
    }

    @Test
    void tinyIterationsStayOnOneThread() {
        GclConfig tiny = config(16, new int[] {32, 16, 8, 16, 32}, new int[] {16, 8});
        ThreadChoice c = ThreadChoice.forRun(tiny, 1016, 32, 2);
        assertEquals(1, c.threads());
        assertTrue(c.why().startsWith("threads by shape: 1 of 2 cores"), c.why());
        assertTrue(c.why().contains("--threads chooses"), c.why());
    }

    @Test
    void thePapersNetworksAtB64ShareTwoCoresAndNotSixteen() {
        assertEquals(2, ThreadChoice.forRun(PAPER_B64, 615, 768, 2).threads());   // 211 M
        assertEquals(3, ThreadChoice.forRun(PAPER_B64, 615, 768, 16).threads());  // 211 M / 64 M
    }

    @Test
    void largeBatchesUseEveryCore() {
        GclConfig paper = config(8192, new int[] {1024, 512, 256, 512, 1024}, new int[] {512, 32});
        assertEquals(2, ThreadChoice.forRun(paper, 817_981, 2048, 2).threads());
        assertEquals(64, ThreadChoice.forRun(paper, 817_981, 2048, 64).threads());
        assertEquals(1, ThreadChoice.forRun(paper, 817_981, 2048, 1).threads());
    }

    @Test
    void noCoresIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ThreadChoice.forRun(PAPER_B64, 615, 768, 0));
    }
}
