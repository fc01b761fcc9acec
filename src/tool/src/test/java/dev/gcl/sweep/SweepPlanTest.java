package dev.gcl.sweep;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SweepPlanTest {

    @Test
    void seedsFromRangesAndLists() {
        assertEquals(List.of(0L, 1L, 2L, 3L), SweepPlan.parseSeeds("0-3"));
        assertEquals(List.of(1L, 3L, 5L, 10L, 11L), SweepPlan.parseSeeds("1,3,5,10-11"));
        assertEquals(List.of(2L, 1L), SweepPlan.parseSeeds("2,1,2"));
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseSeeds("5-1"));
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseSeeds("a-b"));
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseSeeds(""));
    }

    @Test
    void gridIsTheCartesianProduct() {
        List<Map<String, String>> g = SweepPlan.parseGrid(List.of("lr=1e-3,1e-4", "nl=ones,none,gaussian"));
        assertEquals(6, g.size());
        assertEquals(Map.of("lr", "1e-3", "nl", "ones"), g.get(0));
        assertEquals(Map.of("lr", "1e-4", "nl", "gaussian"), g.get(5));
        assertEquals(List.of(Map.of()), SweepPlan.parseGrid(List.of()));
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseGrid(List.of("lr")));
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseGrid(List.of("lr=1,", "lr=2")));
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseGrid(List.of("seed=1,2")));
    }

    @Test
    void shardsPartitionThePlanExactly() {
        List<SweepRun> runs = SweepPlan.plan(List.of("gcl-b", "gcl-pt"), SweepPlan.parseSeeds("0-9"),
                SweepPlan.parseGrid(List.of("lr=1e-3,1e-4")));
        assertEquals(40, runs.size());
        Set<String> ids = new HashSet<>();
        int total = 0;
        for (int i = 0; i < 3; i++) {
            for (SweepRun r : SweepPlan.shard(runs, i + "/3")) {
                assertTrue(ids.add(r.id()), "run in two shards: " + r.id());
                total++;
            }
        }
        assertEquals(40, total);
        assertEquals(14, SweepPlan.shard(runs, "0/3").size());
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.shard(runs, "3/3"));
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.shard(runs, "1"));
    }

    @Test
    void runIdsAreStableAndFileSafe() {
        SweepRun r = new SweepRun(0, "gcl-pt", 3, Map.of("nl", "random-normal", "lr", "0.001"));
        assertEquals("gcl-pt_seed3_lr=0.001_nl=random-normal", r.id());
        assertEquals("lr=0.001 nl=random-normal", r.settingLabel());
        assertEquals("x_seed1_g-hidden=64-32", new SweepRun(0, "x", 1, Map.of("g-hidden", "64/32")).id());
    }
}
