package dev.gcl.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FrameExpansionTest {
    @Test
    void fixedLengthGivesEachSegmentItsFramesAndPadsWithTheLast() {
        float[] s = {1, 2, 3};
        assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 3, 3}, FrameExpansion.fixedLength("v", s, 2, 8));
        // scores past the frame count are dropped
        assertArrayEquals(new float[] {1, 1, 2, 2, 3}, FrameExpansion.fixedLength("v", s, 2, 5));
    }

    @Test
    void fixedLengthRefusesAFrameCountTheSegmentsOverrun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameExpansion.fixedLength("Abuse028_x264", new float[] {1, 2, 3}, 16, 32));
        assertTrue(e.getMessage().contains("Abuse028_x264") && e.getMessage().contains("32 frames")
                && e.getMessage().contains("cover 48"), e.getMessage());
    }

    @Test
    void boundsMatchNumpyRoundLinspace() {
        // np.round(np.linspace(1, n, 33)): half to even (n = 17 hits exact halves)
        assertArrayEquals(new int[] {1, 2, 2, 2, 3, 4, 4, 4, 5, 6, 6, 6, 7, 8, 8, 8, 9, 10, 10, 10, 11, 12, 12, 12,
                13, 14, 14, 14, 15, 16, 16, 16, 17}, FrameExpansion.bounds(17, 32));
        assertArrayEquals(new int[] {1, 4, 8, 12, 15, 18, 22, 26, 29, 32, 36, 40, 43, 46, 50, 54, 57, 60, 64, 68, 71,
                74, 78, 82, 85, 88, 92, 96, 99, 102, 106, 110, 113}, FrameExpansion.bounds(113, 32));
        assertArrayEquals(new int[] {1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8,
                9, 9, 9, 9, 10, 10}, FrameExpansion.bounds(10, 32));
    }

    @Test
    void ucfMappingOnAShortVideo() {
        // 10 clips (160..175 frames): bounds [1,1,2,2,2,2,3,...]; later segments overwrite earlier ones
        float[] s = new float[32];
        for (int i = 0; i < 32; i++) s[i] = i + 1;
        float[] f = FrameExpansion.ucfCrime32("v", s, 170);
        assertEquals(170, f.length);
        // clip 1: segment 1 covers 1..0 -> clip 1 alone; segment 2 covers clip 1 (b2=1, b3-1=1): 2 overwrites
        assertEquals(2, f[0]);
        assertEquals(2, f[15]);
        // clip 2: segments 3 (2..1 -> 2), 4, 5 (2..1 -> 2), 6 (2..2) -> the last, 6
        assertEquals(6, f[16]);
        // clip 10: segment 32 covers b32..b33 = 10..10
        assertEquals(32, f[159]);
        assertEquals(32, f[169], "frames past n*16 take the last value");
    }

    @Test
    void ucfMappingWithManyClipsIsContiguous() {
        float[] s = new float[32];
        for (int i = 0; i < 32; i++) s[i] = i;
        float[] f = FrameExpansion.ucfCrime32("v", s, 113 * 16 + 7);
        // segment 0 covers clips 1..3 = frames 0..47; segment 1 clips 4..7 = frames 48..111
        assertEquals(0, f[47]);
        assertEquals(1, f[48]);
        assertEquals(1, f[111]);
        assertEquals(2, f[112]);
        assertEquals(31, f[113 * 16 + 6]);
        for (int i = 1; i < f.length; i++) assertTrue(f[i] >= f[i - 1], "scores ascend with segments");
    }

    @Test
    void ucfMappingRefusesVideosShorterThanOneClip() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameExpansion.ucfCrime32("tiny", new float[32], 15));
        assertTrue(e.getMessage().contains("tiny") && e.getMessage().contains("15 frames"), e.getMessage());
    }
}
