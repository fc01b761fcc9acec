package dev.gcl.backend;

import dev.gcl.io.FeatureRows;
import dev.gcl.rng.RandomStream;

/**
 * A backend that forwards every call to another; subclasses override the ops they want to observe (the tests'
 * watching backends, and {@code gcl verify}'s recorder of pseudo-labels and weights).
 */
public class ForwardingBackend implements Backend {
    protected final Backend inner;

    public ForwardingBackend(Backend inner) {
        this.inner = inner;
    }

    /** Downloads a whole buffer (for observers). */
    public float[] read(DeviceFloats d, int n) {
        float[] a = new float[n];
        inner.download(d, 0, a, 0, n);
        return a;
    }

    @Override public String name() { return inner.name(); }
    @Override public Precision precision() { return inner.precision(); }
    @Override public String device() { return inner.device(); }
    @Override public void checkFits(long bytes) { inner.checkFits(bytes); }
    @Override public int threads() { return inner.threads(); }
    @Override public DeviceFloats allocFloats(int length) { return inner.allocFloats(length); }
    @Override public DeviceInts allocInts(int length) { return inner.allocInts(length); }
    @Override public DeviceFloats share(float[] host) { return inner.share(host); }
    @Override public DeviceFloats residentRows(FeatureRows source) { return inner.residentRows(source); }
    @Override public void upload(float[] src, int so, DeviceFloats dst, int dof, int n) { inner.upload(src, so, dst, dof, n); }
    @Override public void upload(int[] src, int so, DeviceInts dst, int dof, int n) { inner.upload(src, so, dst, dof, n); }
    @Override public void download(DeviceFloats src, int so, float[] dst, int dof, int n) { inner.download(src, so, dst, dof, n); }
    @Override public void fill(DeviceFloats b, float v) { inner.fill(b, v); }
    @Override public void copy(DeviceFloats s, int so, DeviceFloats d, int dOff, int n) { inner.copy(s, so, d, dOff, n); }
    @Override public void free(DeviceFloats b) { inner.free(b); }
    @Override public void free(DeviceInts b) { inner.free(b); }

    @Override
    public void denseForward(DeviceFloats in, DeviceFloats w, DeviceFloats b, DeviceFloats out, int rows, int inDim,
                             int outDim, Activation act) {
        inner.denseForward(in, w, b, out, rows, inDim, outDim, act);
    }

    @Override
    public void denseBackward(DeviceFloats in, DeviceFloats w, DeviceFloats out, DeviceFloats dOut, DeviceFloats dIn,
                              DeviceFloats dW, DeviceFloats dB, int rows, int inDim, int outDim, Activation act) {
        inner.denseBackward(in, w, out, dOut, dIn, dW, dB, rows, inDim, outDim, act);
    }

    @Override public void rowMse(DeviceFloats a, DeviceFloats b, DeviceFloats err, int rows, int cols) { inner.rowMse(a, b, err, rows, cols); }
    @Override public void meanStd(DeviceFloats v, int n, DeviceFloats stats) { inner.meanStd(v, n, stats); }

    @Override
    public void thresholdLabels(DeviceFloats v, int n, DeviceFloats stats, double k, DeviceFloats mask,
                                DeviceFloats labels) {
        inner.thresholdLabels(v, n, stats, k, mask, labels);
    }

    @Override public void minMaxScale(DeviceFloats v, int n, DeviceFloats out) { inner.minMaxScale(v, n, out); }

    @Override
    public void nlTargets(DeviceFloats x, DeviceFloats labels, NlTarget mode, DeviceFloats noise, DeviceFloats picks,
                          DeviceFloats targets, DeviceFloats weights, int rows, int cols) {
        inner.nlTargets(x, labels, mode, noise, picks, targets, weights, rows, cols);
    }

    @Override
    public void bceLossGrad(DeviceFloats p, DeviceFloats y, DeviceFloats dP, DeviceFloats loss, int n) {
        inner.bceLossGrad(p, y, dP, loss, n);
    }

    @Override
    public void weightedMseGrad(DeviceFloats out, DeviceFloats target, DeviceFloats weights, DeviceFloats dOut,
                                DeviceFloats loss, int rows, int cols) {
        inner.weightedMseGrad(out, target, weights, dOut, loss, rows, cols);
    }

    @Override
    public void rmsprop(DeviceFloats param, DeviceFloats grad, DeviceFloats sq, DeviceFloats mom, int n, double lr,
                        double alpha, double eps, double momentum, DeviceFloats guard, int guardLength) {
        inner.rmsprop(param, grad, sq, mom, n, lr, alpha, eps, momentum, guard, guardLength);
    }

    @Override
    public void gatherRows(DeviceFloats src, DeviceInts indices, int indexOffset, DeviceFloats dst, int rows, int cols) {
        inner.gatherRows(src, indices, indexOffset, dst, rows, cols);
    }

    @Override
    public void gatherHostRows(FeatureRows source, int[] indices, int indexOffset, DeviceFloats dst, int rows) {
        inner.gatherHostRows(source, indices, indexOffset, dst, rows);
    }

    @Override
    public void prefetchHostRows(FeatureRows source, int[] indices, int indexOffset, int rows) {
        inner.prefetchHostRows(source, indices, indexOffset, rows);
    }

    @Override public void philoxUniform(RandomStream s, long start, DeviceFloats out, int n) { inner.philoxUniform(s, start, out, n); }
    @Override public void philoxNormal(RandomStream s, long start, float mean, float std, DeviceFloats out, int n) { inner.philoxNormal(s, start, mean, std, out, n); }
    @Override public void close() { inner.close(); }
}
