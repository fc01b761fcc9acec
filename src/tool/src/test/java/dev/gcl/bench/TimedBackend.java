package dev.gcl.bench;

import dev.gcl.backend.Backend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/** A backend whose every call is timed: the benchmarks' view of where an iteration's host time goes. */
final class TimedBackend {
    /** Receives each call: the method, its arguments and the nanoseconds it took (failed calls too). */
    @FunctionalInterface
    interface Recorder {
        void record(Method method, Object[] args, long nanos);
    }

    private TimedBackend() {}

    static Backend wrap(Backend inner, Recorder recorder) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, m, a) -> {
                    long t0 = System.nanoTime();
                    try {
                        return m.invoke(inner, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        recorder.record(m, a, System.nanoTime() - t0);
                    }
                });
    }
}
