package dev.gcl.io;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class MemoryBudgetTest {
    @Test
    void moreThanTheHeapIsRefusedBeforeAllocatingSayingHowMuch() {
        long tooMuch = Runtime.getRuntime().maxMemory() + (1L << 30);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> MemoryBudget.require(tooMuch, Path.of("features"), "3 videos"));
        assertTrue(e.getMessage().startsWith("features: 3 videos need "), e.getMessage());
        assertTrue(e.getMessage().contains("GiB of memory, but this JVM can allocate"), e.getMessage());
        assertTrue(e.getMessage().contains("GCL_JAVA_OPTS=-Xmx"), e.getMessage());
        assertDoesNotThrow(() -> MemoryBudget.require(1 << 20, Path.of("features"), "a small set"));
    }
}
