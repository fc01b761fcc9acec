package dev.gcl.backend.cuda;

import dev.gcl.io.FeatureRows;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN;

/**
 * What every {@link CudaBackend} on one device shares, set up once per device by {@link CudaProbe}: the device's
 * primary context (retained for the life of the process; it is the context cuBLAS would share), the kernel module
 * loaded from the bundled image that suits the device and driver ({@link ModuleLoader}), every kernel's CUfunction resolved once (with its dynamic shared memory limit raised
 * where it needs more than 48 KB), and the feature rows kept on the device, one copy per data set whatever the
 * number of backends training on it.
 */
final class CudaRuntime {
    /** Every entry point of kernels/*.cu, by the names the Backend docs give. */
    static final List<String> KERNELS = List.of(
            "dense_forward", "dense_backward_dz", "dense_backward_input", "dense_backward_weight",
            "dense_backward_bias_partials", "dense_backward_bias_reduce", "dense_forward_tf32", "dense_backward_input_tf32", "dense_backward_weight_tf32",
            "dense_forward_big", "dense_backward_input_big", "dense_backward_weight_big",
            "dense_backward_weight_split128", "dense_backward_weight_split64", "gemm_split_reduce",
            "dense_forward_tile128x64", "dense_backward_input_tile128x64", "dense_backward_weight_tile128x64",
            "dense_forward_tf32_big", "dense_backward_input_tf32_big", "dense_backward_weight_tf32_big",
            "dense_backward_weight_tf32_split128", "dense_backward_weight_tf32_split64",
            "row_mse", "mean_std", "threshold_labels", "min_max_scale",
            "nl_normal_rows", "nl_targets", "bce_loss_grad", "weighted_mse_rows", "weighted_mse_total",
            "weighted_mse_grad", "rmsprop", "gather_rows", "philox_uniform", "philox_normal",
            "gather_rows_at", "philox_uniform_at", "philox_normal_at", "iteration_advance");

    /**
     * Dynamic shared memory per launch of the kernels that use it (the rest use static shared memory only): the
     * 3 stages × 2 operands × 128 × 32 floats of kernels/dense_tf32_big.cu (TB_SHARED_BYTES there), above the
     * 48 KB a block may have unless the kernel's CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES is raised first.
     */
    static final int TF32_BIG_SHARED_BYTES = 3 * 2 * 128 * 32 * Float.BYTES;
    static final Map<String, Integer> DYNAMIC_SHARED_BYTES = Map.of(
            "dense_forward_tf32_big", TF32_BIG_SHARED_BYTES,
            "dense_backward_input_tf32_big", TF32_BIG_SHARED_BYTES,
            "dense_backward_weight_tf32_big", TF32_BIG_SHARED_BYTES,
            "dense_backward_weight_tf32_split128", TF32_BIG_SHARED_BYTES);

    final DeviceInfo info;
    final CUdevice device;
    final CUcontext context;
    final ModuleLoader.Loaded loaded;
    final String imageKind;
    private final CUmodule module;
    private final Map<String, CUfunction> functions;
    /** Feature rows on the device, by the identity of their host rows. */
    private final Map<FeatureRows, Resident> resident = new IdentityHashMap<>();
    /** Backends open on this device (placement puts a new one on the device with the fewest). */
    private int openBackends;
    private boolean released;

    /** One device copy of a data set's feature rows and the number of backends holding it. */
    static final class Resident {
        final CUdeviceptr ptr;
        final int length;
        private int users;

        private Resident(CUdeviceptr ptr, int length) {
            this.ptr = ptr;
            this.length = length;
        }
    }

    /**
     * Retains the device's primary context, loads the module and resolves every kernel. On any failure what was
     * taken is given back (the context released, the module unloaded) before the failure propagates: a failed
     * probe holds nothing on the GPU.
     */
    CudaRuntime(DeviceInfo info, int driverVersion) throws ModuleLoader.LoadFailure {
        this.info = info;
        this.device = info.device();
        this.context = new CUcontext();
        cuDevicePrimaryCtxRetain(context, device);
        CUmodule m = null;
        try {
            cuCtxSetCurrent(context);
            this.loaded = ModuleLoader.load(info, driverVersion);
            m = loaded.module();
            Map<String, CUfunction> f = new LinkedHashMap<>();
            for (String name : KERNELS) {
                CUfunction fn = new CUfunction();
                try {
                    cuModuleGetFunction(fn, m, name);
                } catch (jcuda.CudaException e) {
                    throw new ModuleLoader.LoadFailure("the kernel image " + loaded.image().fileName() + " lacks "
                            + name + " (" + e.getMessage() + "): it is older than this library; rebuild with "
                            + "native-build/build-kernels.sh --refresh", e);
                }
                Integer shared = DYNAMIC_SHARED_BYTES.get(name);
                if (shared != null && shared <= maxSharedOptin()) {  // the launch may then ask for that much
                    cuFuncSetAttribute(fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, shared);
                }
                f.put(name, fn);
            }
            this.functions = Collections.unmodifiableMap(f);
            this.module = m;
            this.imageKind = loaded.image().kind();
        } catch (ModuleLoader.LoadFailure | RuntimeException e) {
            giveBack(m);
            throw e;
        }
    }

    /** The most dynamic shared memory a block may opt into on this device. */
    private int maxSharedOptin() {
        int[] v = new int[1];
        try {
            cuDeviceGetAttribute(v, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
            return v[0];
        } catch (jcuda.CudaException e) {
            return 48 * 1024;
        }
    }

    /** Whether the TF32 kernels run here (compute capability 8.0 or newer; the sm_75 image traps in them). */
    boolean supportsTf32() {
        return info.compute() >= KernelImage.TF32_MIN_COMPUTE;
    }

    /** Free and total device memory, in bytes, as the driver reports them now. */
    long[] memory() {
        makeCurrent();
        long[] free = new long[1], total = new long[1];
        cuMemGetInfo(free, total);
        return new long[] {free[0], total[0]};
    }

    /** Unloads the module and releases the context; the runtime is unusable afterwards (failed canary). */
    synchronized void release() {
        if (released) return;
        giveBack(module);
    }

    private void giveBack(CUmodule m) {
        released = true;
        try {
            if (m != null) {
                cuCtxSetCurrent(context);
                cuModuleUnload(m);
            }
        } catch (jcuda.CudaException ignored) {
            // the context is released below whatever the module's state
        } finally {
            try {
                cuDevicePrimaryCtxRelease(device);
            } catch (jcuda.CudaException ignored) {
                // nothing more can be given back
            }
        }
    }

    synchronized void backendOpened() {
        openBackends++;
    }

    synchronized void backendClosed() {
        openBackends--;
    }

    synchronized int openBackends() {
        return openBackends;
    }

    /** Makes the shared context current on the calling thread (contexts are current per thread). */
    void makeCurrent() {
        cuCtxSetCurrent(context);
    }

    /** The dynamic shared memory a launch of this kernel needs (0 for most). */
    int dynamicSharedBytes(String name) {
        return DYNAMIC_SHARED_BYTES.getOrDefault(name, 0);
    }

    CUfunction function(String name) {
        CUfunction fn = functions.get(name);
        if (fn == null) throw new IllegalArgumentException("no kernel " + name);
        return fn;
    }

    /**
     * The device copy of source, made by upload (null: it does not fit) when no backend holds one; each call is
     * one more user. Backends asking at once wait for the one upload.
     */
    synchronized Resident acquireResident(FeatureRows source, Function<FeatureRows, CUdeviceptr> upload) {
        Resident r = resident.get(source);
        if (r == null) {
            CUdeviceptr p = upload.apply(source);
            if (p == null) return null;
            r = new Resident(p, (int) source.elements());
            resident.put(source, r);
        }
        r.users++;
        return r;
    }

    /** One user fewer; the last one frees the copy (the caller has synchronised its stream). */
    synchronized void releaseResident(Resident r) {
        if (--r.users > 0) return;
        resident.values().remove(r);
        cuMemFree(r.ptr);
    }

    /** How many data sets' rows are on the device now (tests). */
    synchronized int residentSets() {
        return resident.size();
    }
}
