package dev.gcl.sweep;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class SweepJobsTest {
    static final long MIB = 1 << 20;

    static SweepJobs.Workload cpu(int cores, int runs, long batchFloats) {
        return new SweepJobs.Workload("blas", cores, runs, batchFloats, 50 * MIB, 4096 * MIB);
    }

    @Test
    void explicitJobsDivideTheCores() {
        assertEquals(new SweepJobs(3, 2, "--jobs 3"), SweepJobs.choose("3", null, cpu(6, 8, 1000)));
        assertEquals(1, SweepJobs.choose("4", null, cpu(2, 8, 1000)).threadsPerRun(), "at least one thread");
        assertEquals(3, SweepJobs.choose("2", 3, cpu(2, 8, 1000)).threadsPerRun(), "--threads wins");
        assertEquals(1, SweepJobs.choose(null, null, cpu(2, 8, 1000)).jobs(), "default: one at a time");
    }

    @Test
    void autoRunsSmallBatchesOnePerCoreAndLargeOnesOnEveryCore() {
        SweepJobs small = SweepJobs.choose("auto", null, cpu(2, 8, 64 * 768));
        assertEquals(2, small.jobs());
        assertEquals(1, small.threadsPerRun());
        assertTrue(small.why().contains("small batches"), small.why());
        SweepJobs large = SweepJobs.choose("auto", null, cpu(16, 8, 8192L * 2048));
        assertEquals(1, large.jobs());
        assertEquals(16, large.threadsPerRun());
        assertEquals(3, SweepJobs.choose("auto", null, cpu(16, 3, 1000)).jobs(), "no more jobs than runs");
        assertEquals(8, SweepJobs.choose("auto", 2, cpu(16, 20, 1000)).jobs(), "--threads 2: cores / 2 runs");
    }

    @Test
    void autoKeepsTheRunsInHalfTheMemory() {
        SweepJobs j = SweepJobs.choose("auto", null, new SweepJobs.Workload("reference", 16, 16, 1000, 300 * MIB,
                1200 * MIB));
        assertEquals(2, j.jobs());
        assertTrue(j.why().contains("fit 2 times"), j.why());
    }

    static SweepJobs.Workload cuda(int runs, long batchFloats, long bytesPerRun, long deviceFree) {
        return new SweepJobs.Workload("cuda", 8, runs, batchFloats, bytesPerRun, 4096 * MIB, deviceFree);
    }

    @Test
    void cudaFillsTheDeviceWithSmallRunsOnStreamsAndRunsLargeOnesOneAtATime() {
        SweepJobs b64 = SweepJobs.choose("auto", null, cuda(32, 64 * 768, 20 * MIB, 140_000 * MIB));
        assertEquals(10, b64.jobs(), "B 64 at D 768: 12 tiles of 64x64 a run, 10 runs give about 128");
        assertTrue(b64.why().contains("each on its own stream"), b64.why());
        assertEquals(32, SweepJobs.choose("auto", null, cuda(64, 1000, MIB, 140_000 * MIB)).jobs(),
                "tiny batches: at most CUDA_MAX_RUNS");
        assertEquals(2, SweepJobs.choose("auto", null, cuda(2, 1000, MIB, 140_000 * MIB)).jobs(),
                "no more runs than the sweep has");
        SweepJobs memory = SweepJobs.choose("auto", null, cuda(32, 64 * 768, 1024 * MIB, 4608 * MIB));
        assertEquals(4, memory.jobs(), "(4608 - 512) MiB free hold 4 runs of 1024 MiB");
        assertTrue(memory.why().contains("fit 4 times"), memory.why());
        assertEquals(1, SweepJobs.choose("auto", null, cuda(8, 8192L * 2048, MIB, 140_000 * MIB)).jobs(),
                "large batches: one run at a time");
        assertEquals(1, SweepJobs.choose("auto", null, cuda(8, 1024 * 512, MIB, 140_000 * MIB)).jobs(),
                "B 1,024 at D 512 fills the tiles alone");
        assertEquals(3, SweepJobs.choose("3", null, cuda(8, 1000, MIB, 140_000 * MIB)).jobs(),
                "--jobs N is taken as given");
    }

    @Test
    void badValuesNameTheOption() {
        for (String bad : new String[] {"0", "-1", "two", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SweepJobs.choose(bad, null, cpu(2, 8, 1000)));
            assertTrue(e.getMessage().startsWith("--jobs"), e.getMessage());
        }
    }

    @Test
    void concurrentRunsRunEachOnceAtMostJobsAtATime() {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 12; i++) items.add(i);
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger(), most = new AtomicInteger();
        ConcurrentRuns.run(items, 3, () -> false, i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.add(i);
            running.decrementAndGet();
        });
        assertEquals(12, seen.size());
        assertEquals(12, seen.stream().distinct().count());
        assertTrue(most.get() <= 3 && most.get() >= 2, "at most 3 at once, and more than one: " + most.get());
    }

    @Test
    void concurrentRunsStartNoRunOnceAStopIsAsked() throws InterruptedException {
        List<Integer> items = List.of(0, 1, 2, 3, 4, 5);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger started = new AtomicInteger();
        CountDownLatch twoRunning = new CountDownLatch(2);
        Thread t = new Thread(() -> ConcurrentRuns.run(items, 2, stop::get, i -> {
            started.incrementAndGet();
            twoRunning.countDown();
            while (!stop.get()) Thread.onSpinWait();  // a run in progress ends on its own once asked to stop
        }));
        t.start();
        assertTrue(twoRunning.await(10, TimeUnit.SECONDS));
        stop.set(true);
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(2, started.get(), "the two running finished; none of the other four started");
    }
    @Test
    void concurrentRunsStartNoRunAfterTheBodyThrewAndRethrowIt() {
        List<Integer> items = List.of(0, 1, 2, 3, 4, 5, 6, 7);
        AtomicInteger started = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConcurrentRuns.run(items, 2,
                () -> false, i -> {
                    started.incrementAndGet();
                    if (i == 0) throw new IllegalStateException("disk full");
                    try {
                        Thread.sleep(50);  // the other runs take a while: the failure lands while one runs
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                }));
        assertEquals("disk full", e.getMessage());
        assertTrue(started.get() < items.size(), "the runs after the failure did not all start: " + started.get());
    }
}
