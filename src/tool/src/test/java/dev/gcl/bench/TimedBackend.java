package dev.gcl.bench;

import dev.gcl.backend.Backend;
import dev.gcl.backend.IterationGraphs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A backend whose every call is timed: the benchmarks' view of where an iteration's host time goes. Its
 * {@link IterationGraphs} and their results are timed too; a call made inside another (the ops of an iteration being
 * recorded) counts as part of the outer one only.
 */
final class TimedBackend {
    /** Receives each call: the method, its arguments and the nanoseconds it took (failed calls too). */
    @FunctionalInterface
    interface Recorder {
        void record(Method method, Object[] args, long nanos);
    }

    private TimedBackend() {}

    static Backend wrap(Backend inner, Recorder recorder) {
        return proxy(Backend.class, inner, recorder, new int[1]);
    }

    private static <T> T proxy(Class<T> type, Object inner, Recorder recorder, int[] depth) {
        InvocationHandler h = (p, m, a) -> {
            long t0 = System.nanoTime();
            depth[0]++;
            try {
                Object r = m.invoke(inner, a);
                if (r instanceof IterationGraphs) return proxy(IterationGraphs.class, r, recorder, depth);
                if (r instanceof IterationGraphs.Pending) return proxy(IterationGraphs.Pending.class, r, recorder, depth);
                return r;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (--depth[0] == 0) recorder.record(m, a, System.nanoTime() - t0);
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
    }
}
