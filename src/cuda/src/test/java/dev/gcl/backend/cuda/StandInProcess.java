package dev.gcl.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static jcuda.driver.JCudaDriver.*;

/**
 * A child JVM that talks to the stand-in libcuda.so.1 directly through JCudaDriver, for tests of the settings the
 * stand-in reads once per process (GCL_STANDIN_DEVICES, CUDA_VISIBLE_DEVICES, GCL_STANDIN_DRIVER, GCL_STANDIN_JIT,
 * GCL_STANDIN_FAIL, GCL_STANDIN_CORRUPT, GCL_STANDIN_REPORT; docs/gpu-emulation.md). {@link #run} starts it with an
 * environment; {@link #main} executes its arguments as commands, in order, and prints one {@code key=value} line
 * per result (CUresult codes as numbers; logs with their newlines as " | ").
 *
 * <p>Commands: {@code init}; {@code devices}; {@code ctx:D} (retain device D's primary context, make it current);
 * {@code release:D}; {@code create:D} / {@code destroy} (cuCtxCreate / cuCtxDestroy); {@code meminfo};
 * {@code load:FILE} / {@code loaddata:FILE} (cuModuleLoadDataEx with logs, wall time and verbose / cuModuleLoadData
 * of a file's bytes); {@code ptx:ENTRY+ENTRY} (a PTX text image naming those entries, .target sm_75);
 * {@code func:NAME} (in the last module); {@code unload}; {@code shared:NAME:BYTES} (cuFuncSetAttribute of the
 * dynamic shared memory limit); {@code alloc:BYTES}; {@code allocall:BYTES} (until it
 * fails); {@code freeall}; {@code sync}; {@code gather} (gather_rows of 8 floats 1..8, prints them back);
 * {@code tf32} (launches dense_forward_tf32 with dummy arguments: only for a device that traps it);
 * {@code stream}; {@code event}; {@code host}; {@code exit:CODE}.
 *
 * <p>Stream capture and graphs: {@code mystream:FLAGS} (a stream the next commands use); {@code gprep} (the
 * buffers of gather_rows, uploaded); {@code glaunchk} (gather_rows on that stream); {@code begin:MODE}
 * (cuStreamBeginCapture); {@code end} (cuStreamEndCapture into the graph); {@code capturing} (the status);
 * {@code instantiate}; {@code upload}; {@code glaunch} (cuGraphLaunch on the stream); {@code gdestroy};
 * {@code xdestroy}; {@code ssync} (cuStreamSynchronize of the stream); {@code htod} (a synchronous copy of 4 bytes
 * into gprep's buffer); {@code rms:direct:K} / {@code rms:graph:K} (a sequence of rmsprop launches, copies and a
 * memset, K times directly on the stream or captured once and replayed K times; prints the result's bits).
 */
public final class StandInProcess {
    private StandInProcess() {
    }

    /** What a child printed, by key (the last value of a repeated key wins; {@link #all} keeps every line). */
    public record Result(int exitCode, Map<String, String> values, List<String> all, String stderr) {
        public String get(String key) {
            if (!values.containsKey(key)) {
                throw new AssertionError("no '" + key + "' in the child's output: " + all + "\nstderr: " + stderr);
            }
            return values.get(key);
        }

        public int code(String key) {
            return Integer.parseInt(get(key));
        }
    }

    /** Runs the commands in a child JVM with the stand-in on LD_LIBRARY_PATH and these variables set. */
    public static Result run(Path standIn, Path tmp, Map<String, String> env, String... commands)
            throws IOException, InterruptedException {
        Path childTmp = Files.createTempDirectory(tmp, "child");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-Djava.io.tmpdir=" + childTmp);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(StandInProcess.class.getName());
        cmd.addAll(List.of(commands));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> environment = pb.environment();
        for (String name : List.of("GCL_STANDIN_DEVICES", "CUDA_VISIBLE_DEVICES", "GCL_STANDIN_DRIVER",
                "GCL_STANDIN_JIT", "GCL_STANDIN_FAIL", "GCL_STANDIN_CORRUPT", "GCL_STANDIN_REPORT")) {
            environment.remove(name);
        }
        environment.put("LD_LIBRARY_PATH", standIn.toString());
        environment.putAll(env);
        File err = childTmp.resolve("stderr.txt").toFile();
        pb.redirectError(err);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child did not finish: " + List.of(commands));
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            lines.add(line);
            values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new Result(p.exitValue(), values, lines, Files.readString(err.toPath()));
    }

    private static CUmodule module;
    private static CUcontext created;
    private static final List<CUdeviceptr> allocations = new ArrayList<>();
    private static CUstream stream;
    private static CUgraph graph = new CUgraph();
    private static CUgraphExec exec = new CUgraphExec();
    private static CUdeviceptr gSrc, gIndices, gDst;

    private static void print(String key, Object value) {
        System.out.println(key + "=" + value);
    }

    private static String oneLine(String log) {
        return log.strip().replace("\n", " | ");
    }

    public static void main(String[] args) throws IOException {
        for (String command : args) {
            int colon = command.indexOf(':');
            String name = colon < 0 ? command : command.substring(0, colon);
            String arg = colon < 0 ? "" : command.substring(colon + 1);
            switch (name) {
                case "init" -> print("init", cuInit(0));
                case "devices" -> devices();
                case "ctx" -> {
                    CUdevice d = new CUdevice();
                    cuDeviceGet(d, Integer.parseInt(arg));
                    CUcontext c = new CUcontext();
                    int r = cuDevicePrimaryCtxRetain(c, d);
                    print("retain", r);
                    if (r == 0) print("current", cuCtxSetCurrent(c));
                }
                case "release" -> {
                    CUdevice d = new CUdevice();
                    cuDeviceGet(d, Integer.parseInt(arg));
                    print("release", cuDevicePrimaryCtxRelease(d));
                }
                case "create" -> {
                    CUdevice d = new CUdevice();
                    cuDeviceGet(d, Integer.parseInt(arg));
                    created = new CUcontext();
                    print("create", cuCtxCreate(created, 0, d));
                }
                case "destroy" -> print("destroy", cuCtxDestroy(created));
                case "meminfo" -> {
                    long[] free = {0}, total = {0};
                    print("meminfo", cuMemGetInfo(free, total));
                    print("free", free[0]);
                    print("total", total[0]);
                }
                case "load" -> load(bytes(arg));
                case "loaddata" -> {
                    module = new CUmodule();
                    print("loaddata", cuModuleLoadData(module, bytes(arg)));
                }
                case "ptx" -> {
                    StringBuilder ptx = new StringBuilder(".version 7.0\n.target sm_75\n.address_size 64\n");
                    for (String entry : arg.split("\\+")) ptx.append(".visible .entry ").append(entry).append("(\n)\n{\n}\n");
                    module = new CUmodule();
                    print("ptx", cuModuleLoadData(module, (ptx + "\0").getBytes(StandardCharsets.US_ASCII)));
                }
                case "func" -> print("func", cuModuleGetFunction(new CUfunction(), module, arg));
                case "unload" -> print("unload", cuModuleUnload(module));
                case "shared" -> {
                    String[] a = arg.split(":");
                    CUfunction f = new CUfunction();
                    cuModuleGetFunction(f, module, a[0]);
                    print("shared", cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                            Integer.parseInt(a[1])));
                }
                case "alloc" -> {
                    CUdeviceptr p = new CUdeviceptr();
                    int r = cuMemAlloc(p, Long.parseLong(arg));
                    if (r == 0) allocations.add(p);
                    print("alloc", r);
                }
                case "allocall" -> {
                    int r, n = 0;
                    while (true) {
                        CUdeviceptr p = new CUdeviceptr();
                        r = cuMemAlloc(p, Long.parseLong(arg));
                        if (r != 0) break;
                        allocations.add(p);
                        n++;
                    }
                    print("allocs", n);
                    print("allocfail", r);
                }
                case "freeall" -> {
                    int r = 0;
                    for (CUdeviceptr p : allocations) r = Math.max(r, cuMemFree(p));
                    allocations.clear();
                    print("freeall", r);
                }
                case "sync" -> print("sync", cuCtxSynchronize());
                case "gather" -> gather();
                case "tf32" -> {
                    CUfunction f = new CUfunction();
                    print("tf32func", cuModuleGetFunction(f, module, "dense_forward_tf32"));
                    Pointer[] dummies = new Pointer[32];
                    for (int k = 0; k < dummies.length; k++) dummies[k] = Pointer.to(new long[] {0});
                    print("tf32", cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, null, Pointer.to(dummies), null));
                }
                case "stream" -> print("stream", cuStreamCreate(new CUstream(), 0));
                case "event" -> print("event", cuEventCreate(new CUevent(), 0));
                case "host" -> print("host", cuMemAllocHost(new Pointer(), 64));
                case "mystream" -> {
                    stream = new CUstream();
                    print("mystream", cuStreamCreate(stream, Integer.parseInt(arg)));
                }
                case "gprep" -> gatherPrepare();
                case "glaunchk" -> print("glaunchk", gatherLaunch(stream));
                case "begin" -> print("begin", cuStreamBeginCapture(stream, Integer.parseInt(arg)));
                case "end" -> {
                    graph = new CUgraph();
                    print("end", cuStreamEndCapture(stream, graph));
                }
                case "capturing" -> {
                    int[] status = {-1};
                    print("capturingcall", cuStreamIsCapturing(stream, status));
                    print("capturing", status[0]);
                }
                case "instantiate" -> {
                    exec = new CUgraphExec();
                    print("instantiate", cuGraphInstantiate(exec, graph, 0));
                }
                case "upload" -> print("upload", cuGraphUpload(exec, stream));
                case "glaunch" -> print("glaunch", cuGraphLaunch(exec, stream));
                case "gdestroy" -> print("gdestroy", cuGraphDestroy(graph));
                case "xdestroy" -> print("xdestroy", cuGraphExecDestroy(exec));
                case "ssync" -> print("ssync", cuStreamSynchronize(stream));
                case "htod" -> print("htod", cuMemcpyHtoD(gSrc, Pointer.to(new float[] {9}), Float.BYTES));
                case "rms" -> {
                    String[] a = arg.split(":");
                    rmsprop(a[0].equals("graph"), Integer.parseInt(a[1]));
                }
                case "exit" -> System.exit(Integer.parseInt(arg));
                default -> throw new IllegalArgumentException("unknown command " + command);
            }
        }
    }

    private static byte[] bytes(String file) throws IOException {
        if (file.startsWith("resource:")) {
            try (InputStream in = StandInProcess.class.getResourceAsStream(file.substring("resource:".length()))) {
                if (in == null) throw new IOException("no resource " + file);
                return in.readAllBytes();
            }
        }
        return Files.readAllBytes(Path.of(file));
    }

    private static void devices() {
        int[] count = {0};
        print("count", cuDeviceGetCount(count));
        print("devices", count[0]);
        for (int k = 0; k < count[0]; k++) {
            CUdevice d = new CUdevice();
            cuDeviceGet(d, k);
            byte[] name = new byte[256];
            cuDeviceGetName(name, name.length, d);
            print("name" + k, new String(name, StandardCharsets.UTF_8).trim());
            int[] v = {0};
            cuDeviceGetAttribute(v, 75, d);
            int major = v[0];
            cuDeviceGetAttribute(v, 76, d);
            print("cc" + k, major + "." + v[0]);
            cuDeviceGetAttribute(v, 97, d);
            print("optin" + k, v[0]);
            cuDeviceGetAttribute(v, 8, d);
            print("shared" + k, v[0]);
            cuDeviceGetAttribute(v, 20, d);
            print("mode" + k, v[0]);
            long[] total = {0};
            cuDeviceTotalMem(total, d);
            print("totalmem" + k, total[0]);
            String[] bus = {null};
            cuDeviceGetPCIBusId(bus, 32, d);
            print("pci" + k, bus[0]);
        }
        int[] version = {0};
        cuDriverGetVersion(version);
        print("driver", version[0]);
    }

    private static void load(byte[] image) {
        JITOptions options = new JITOptions();
        options.putInt(CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, 16384);
        options.putBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER, new byte[16384]);
        options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, 16384);
        options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[16384]);
        options.putFloat(CUjit_option.CU_JIT_WALL_TIME, -1f);
        options.putInt(CUjit_option.CU_JIT_LOG_VERBOSE, 1);
        module = new CUmodule();
        print("load", JCudaDriver.cuModuleLoadDataJIT(module, Pointer.to(image), options));
        print("info", oneLine(options.getString(CUjit_option.CU_JIT_INFO_LOG_BUFFER)));
        print("error", oneLine(options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER)));
        print("infosize", options.getInt(CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES));
        print("walltime", options.getFloat(CUjit_option.CU_JIT_WALL_TIME));
    }

    private static void gatherPrepare() {
        gSrc = new CUdeviceptr();
        gIndices = new CUdeviceptr();
        gDst = new CUdeviceptr();
        int r = cuModuleGetFunction(new CUfunction(), module, "gather_rows");
        r = Math.max(r, cuMemAlloc(gSrc, 8 * Float.BYTES));
        r = Math.max(r, cuMemAlloc(gIndices, Integer.BYTES));
        r = Math.max(r, cuMemAlloc(gDst, 8 * Float.BYTES));
        r = Math.max(r, cuMemcpyHtoD(gSrc, Pointer.to(new float[] {1, 2, 3, 4, 5, 6, 7, 8}), 8 * Float.BYTES));
        r = Math.max(r, cuMemsetD32(gIndices, 0, 1));
        print("gprep", r);
    }

    private static int gatherLaunch(CUstream on) {
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, module, "gather_rows");
        Pointer params = Pointer.to(Pointer.to(gSrc), Pointer.to(gIndices), Pointer.to(new int[] {0}),
                Pointer.to(gDst), Pointer.to(new int[] {1}), Pointer.to(new int[] {8}));
        return cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, on, params, null);
    }

    /**
     * rmsprop steps on 1000 parameters with different learning rates, a device-to-device copy and a memset between
     * them, K times: directly on a non-blocking stream, or captured once (the Java-side argument arrays changed after
     * each captured launch, so a driver that kept pointers instead of copying the bytes would show) and the graph
     * launched K times. Prints whether the capture ran anything, the result's float bits hashed, and its first value.
     */
    private static void rmsprop(boolean viaGraph, int times) {
        int n = 1000;
        float[] init = new float[n], grad = new float[n];
        for (int i = 0; i < n; i++) {
            init[i] = (float) Math.sin(i * 0.37) * 3;
            grad[i] = (float) Math.cos(i * 0.11) - 0.2f;
        }
        CUstream s = new CUstream();
        int r = cuStreamCreate(s, 1);
        CUfunction f = new CUfunction();
        r = Math.max(r, cuModuleGetFunction(f, module, "rmsprop"));
        CUdeviceptr param = new CUdeviceptr(), g = new CUdeviceptr(), sq = new CUdeviceptr(), mom = new CUdeviceptr();
        for (CUdeviceptr p : new CUdeviceptr[] {param, g, sq, mom}) r = Math.max(r, cuMemAlloc(p, (long) n * Float.BYTES));
        r = Math.max(r, cuMemcpyHtoD(param, Pointer.to(init), (long) n * Float.BYTES));
        r = Math.max(r, cuMemcpyHtoD(g, Pointer.to(grad), (long) n * Float.BYTES));
        r = Math.max(r, cuMemsetD32(sq, 0, n));
        r = Math.max(r, cuMemsetD32(mom, 0, n));
        double[] lr = {0};
        int[] count = {n};
        Runnable sequence = () -> {
            for (int step = 1; step <= 3; step++) {
                lr[0] = 0.01 * step;
                count[0] = n - 100 * (step - 1);  // each launch its own n: the bytes at the call count
                Pointer params = Pointer.to(Pointer.to(param), Pointer.to(g), Pointer.to(sq), Pointer.to(mom),
                        Pointer.to(count), Pointer.to(lr), Pointer.to(new double[] {0.9}), Pointer.to(new double[] {1e-8}),
                        Pointer.to(new double[] {0.5}), Pointer.to(param), Pointer.to(new int[] {0}));
                int e = cuLaunchKernel(f, (n + 255) / 256, 1, 1, 256, 1, 1, 0, s, params, null);
                lr[0] = 1e6;  // changed after the call: must not reach the kernel
                count[0] = 0;
                if (e != 0) print("rmslaunch", e);
                if (step == 1) cuMemcpyDtoDAsync(g, param, (long) n * Float.BYTES, s);
                if (step == 2) cuMemsetD32Async(mom, Float.floatToRawIntBits(0.25f), n / 2, s);
            }
        };
        float[] out = new float[n];
        if (viaGraph) {
            CUgraph gr = new CUgraph();
            CUgraphExec x = new CUgraphExec();
            r = Math.max(r, cuStreamBeginCapture(s, 0));
            sequence.run();
            r = Math.max(r, cuStreamEndCapture(s, gr));
            r = Math.max(r, cuMemcpyDtoH(Pointer.to(out), param, (long) n * Float.BYTES));
            print("rmsuntouched", java.util.Arrays.equals(out, init));
            r = Math.max(r, cuGraphInstantiate(x, gr, 0));
            r = Math.max(r, cuGraphUpload(x, s));
            for (int k = 0; k < times; k++) r = Math.max(r, cuGraphLaunch(x, s));
            r = Math.max(r, cuGraphExecDestroy(x));
            r = Math.max(r, cuGraphDestroy(gr));
        } else {
            for (int k = 0; k < times; k++) sequence.run();
        }
        r = Math.max(r, cuStreamSynchronize(s));
        r = Math.max(r, cuMemcpyDtoH(Pointer.to(out), param, (long) n * Float.BYTES));
        int[] bits = new int[n];
        for (int i = 0; i < n; i++) bits[i] = Float.floatToRawIntBits(out[i]);
        print("rmsbits", java.util.Arrays.hashCode(bits));
        print("rmschanged", !java.util.Arrays.equals(out, init));
        print("rmsfirst", out[0] + "," + out[n - 1]);
        for (CUdeviceptr p : new CUdeviceptr[] {param, g, sq, mom}) r = Math.max(r, cuMemFree(p));
        r = Math.max(r, cuStreamDestroy(s));
        print("rms", r);
    }

    private static void gather() {
        CUfunction f = new CUfunction();
        int r = cuModuleGetFunction(f, module, "gather_rows");
        CUdeviceptr src = new CUdeviceptr(), indices = new CUdeviceptr(), dst = new CUdeviceptr();
        r = Math.max(r, cuMemAlloc(src, 8 * Float.BYTES));
        r = Math.max(r, cuMemAlloc(indices, Integer.BYTES));
        r = Math.max(r, cuMemAlloc(dst, 8 * Float.BYTES));
        r = Math.max(r, cuMemcpyHtoD(src, Pointer.to(new float[] {1, 2, 3, 4, 5, 6, 7, 8}), 8 * Float.BYTES));
        r = Math.max(r, cuMemsetD32(indices, 0, 1));
        Pointer params = Pointer.to(Pointer.to(src), Pointer.to(indices), Pointer.to(new int[] {0}),
                Pointer.to(dst), Pointer.to(new int[] {1}), Pointer.to(new int[] {8}));
        print("launch", cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, null, params, null));
        float[] out = new float[8];
        print("copyback", cuMemcpyDtoH(Pointer.to(out), dst, 8 * Float.BYTES));
        StringBuilder s = new StringBuilder();
        for (float x : out) s.append(s.length() == 0 ? "" : ",").append(x);
        print("gathered", s);
        for (CUdeviceptr p : new CUdeviceptr[] {src, indices, dst}) r = Math.max(r, cuMemFree(p));
        print("gather", r);
    }
}
