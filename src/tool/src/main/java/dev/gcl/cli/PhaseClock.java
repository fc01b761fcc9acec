package dev.gcl.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall time of a run's phases in the order they first ran (load, fingerprint, train, evaluate, report), for
 * run.json's {@code phases}; time added to a phase twice is summed.
 */
final class PhaseClock {
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    <T> T time(String phase, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(phase, (System.nanoTime() - t0) / 1e9);
        }
    }

    void add(String phase, double s) {
        seconds.merge(phase, s, Double::sum);
    }

    Map<String, Double> seconds() {
        return Collections.unmodifiableMap(seconds);
    }
}
