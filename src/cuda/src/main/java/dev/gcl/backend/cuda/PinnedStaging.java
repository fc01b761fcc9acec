package dev.gcl.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * Page-locked host memory through which one backend copies Java arrays to and from the device on its own stream:
 * the array is copied into the staging memory, the device copy is queued on the stream after the work before it,
 * and the stream is synchronised before the call returns. An asynchronous copy is only defined for page-locked
 * memory (a Java array may move or be released while the copy is pending), and a copy on the backend's stream is
 * ordered after the kernels queued before it, which a synchronous copy on the default stream is not (the backend's
 * stream does not wait for it). Grows to {@link #CHUNK_BYTES} at most; larger copies go in chunks. Not thread-safe:
 * the backend's caller thread only.
 */
final class PinnedStaging implements AutoCloseable {
    static final long CHUNK_BYTES = 16L << 20;

    private Pointer host;
    private ByteBuffer bytes;
    private long capacity;

    /** The staging memory, at least min(bytes, CHUNK_BYTES) long, native byte order, position 0. */
    private ByteBuffer atLeast(long n) {
        long want = Math.max(4, Math.min(n, CHUNK_BYTES));
        if (host == null || capacity < want) {
            close();
            Pointer p = new Pointer();
            cuMemAllocHost(p, want);
            host = p;
            capacity = want;
            bytes = p.getByteBuffer(0, want).order(ByteOrder.nativeOrder());
        }
        bytes.clear();
        return bytes;
    }

    /** dst[dstByte, +4n) = src[srcOffset, +n), ordered on stream after the work before it; done on return. */
    void upload(float[] src, int srcOffset, CUdeviceptr dst, long dstByte, int n, CUstream stream) {
        for (int done = 0; done < n; ) {
            ByteBuffer b = atLeast((long) (n - done) * Float.BYTES);
            int k = (int) Math.min(n - done, capacity / Float.BYTES);
            b.asFloatBuffer().put(src, srcOffset + done, k);
            cuMemcpyHtoDAsync(dst.withByteOffset(dstByte + (long) done * Float.BYTES), host, (long) k * Float.BYTES,
                    stream);
            cuStreamSynchronize(stream);  // the staging memory is reused by the next chunk
            done += k;
        }
    }

    /** {@link #upload(float[], int, CUdeviceptr, long, int, CUstream)} for ints. */
    void upload(int[] src, int srcOffset, CUdeviceptr dst, long dstByte, int n, CUstream stream) {
        for (int done = 0; done < n; ) {
            ByteBuffer b = atLeast((long) (n - done) * Integer.BYTES);
            int k = (int) Math.min(n - done, capacity / Integer.BYTES);
            b.asIntBuffer().put(src, srcOffset + done, k);
            cuMemcpyHtoDAsync(dst.withByteOffset(dstByte + (long) done * Integer.BYTES), host,
                    (long) k * Integer.BYTES, stream);
            cuStreamSynchronize(stream);
            done += k;
        }
    }

    /** dst[dstOffset, +n) = src[srcByte, +4n), after the work queued on stream before it. */
    void download(CUdeviceptr src, long srcByte, float[] dst, int dstOffset, int n, CUstream stream) {
        for (int done = 0; done < n; ) {
            ByteBuffer b = atLeast((long) (n - done) * Float.BYTES);
            int k = (int) Math.min(n - done, capacity / Float.BYTES);
            cuMemcpyDtoHAsync(host, src.withByteOffset(srcByte + (long) done * Float.BYTES), (long) k * Float.BYTES,
                    stream);
            cuStreamSynchronize(stream);
            b.asFloatBuffer().get(dst, dstOffset + done, k);
            done += k;
        }
    }

    @Override
    public void close() {
        if (host != null) cuMemFreeHost(host);
        host = null;
        bytes = null;
        capacity = 0;
    }
}
