#!/usr/bin/env bash
# Builds the self-contained device bundle (default ./device-bundle, git-ignored) that checks the CUDA backend on a
# GPU machine with no Java, Maven or network:
#   jre/           a Java 17 runtime made by jlink from this machine's JDK (java.base, java.logging, java.sql;
#                  java.sql, with java.xml, for the JUnit console launcher's reports)
#   gcl.jar        the library with its kernels (the committed images, or nvcc's when kernels/ changed), without
#                  the demo's C3D sample and the sm_75 PTX (no T4 on the lent machines)
#   test-classes/  the tests and dev.gcl.bench.DeviceCheck (probe and benchmark)
#   lib/           jcuda, its natives cut down to libJCudaDriver, commons-math3, junit-platform-console-standalone
#   py/            benchmarks/torch_gcl_iteration.py and torch_small_batch.py (PyTorch on the same GPU) and
#                  benchmarks/device_table.py
#   run.sh         native-build/device-run.sh: probe, CUDA test suite, gcl verify (fp32, tf32), every GEMM kernel,
#                  benchmark (fp32, tf32), small batches and seed sweeps (launch by launch and as graphs), PyTorch
#                  (eager and torch.cuda.graphs), compute-sanitizer, tables last; results in $OUT
# Then, from a session lent a GPU: run(command="device-bundle/run.sh", carry=["device-bundle"], timeout_s=540).
# The bundle must stay under the 64 MiB a device call carries.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bundle=${1:-$repo/device-bundle}
console=org.junit.platform:junit-platform-console-standalone:1.14.1
cd "$repo"

mvn -B -ntp -q test-compile
rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/classes" "$bundle/test-classes"
# the modules' classes and tests in one jar and one folder (gcl-core, gcl-blas, gcl-cuda, gcl-tool)
for module in core blas cuda tool; do
    cp -r "src/$module/target/classes/." "$bundle/classes/"
    cp -r "src/$module/target/test-classes/." "$bundle/test-classes/"
done
# each module registers its own providers: the bundle's jar needs them all, concatenated
for service in dev.gcl.backend.BackendProvider dev.gcl.nn.ScorerProvider; do
    cat src/*/target/classes/META-INF/services/$service >"$bundle/classes/META-INF/services/$service"
done
# several modules' classes in one jar make no module: the class path serves
rm -f "$bundle/classes/module-info.class"
# the bundled UCF-Crime C3D sample (12 MB) serves the built-in demo only; the device checks use generated data
rm -rf "$bundle/classes/dev/gcl/demo"
# the compute_75 PTX serves a T4 under a CUDA 12 driver only: not on the lent H100/H200 (1 MB under the 64 MiB)
rm -f "$bundle/classes/dev/gcl/backend/cuda/gcl_kernels_sm75.ptx"
[[ -e $bundle/classes/dev/gcl/backend/cuda/gcl_kernels.fatbin ]] \
    || echo "device-check: WARNING: no kernels in src/cuda/target/classes: the bundle can only report that"
# zipped, the kernel images shrink from 13 MB to a few (the run reads them as resources either way)
jar cf "$bundle/gcl.jar" -C "$bundle/classes" .
rm -rf "$bundle/classes"

# test-scope dependencies minus JUnit's own jars (the console launcher carries them) and Jazzer (8 MB; the fuzz
# tests do not run on the device)
# (every module's, from the reactor; the modules themselves are in gcl.jar)
mvn -B -ntp -q dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$bundle/lib" \
    -DexcludeGroupIds=dev.gcl,org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian,com.code-intelligence,com.microsoft.onnxruntime
mvn -B -ntp -q -N dependency:copy -Dartifact=$console -DoutputDirectory="$bundle/lib"
# the OpenBLAS and JavaCPP natives (20 MB) would push the bundle past what the device tool carries (64 MiB); the
# device run checks CUDA, so the blas backend's probe there says its natives are absent and its tests skip
rm -f "$bundle"/lib/openblas-*-linux-x86_64.jar "$bundle"/lib/javacpp-*-linux-x86_64.jar

# jcuda-natives holds five libraries (26 MB); the driver API needs only libJCudaDriver
natives=$(ls "$bundle"/lib/jcuda-natives-*-linux-x86_64.jar)
slim=$(mktemp -d)
(cd "$slim" && jar xf "$natives" $(jar tf "$natives" | grep -E '^lib/libJCudaDriver-.*\.so$'))
rm "$natives"
jar cf "${natives%.jar}-driver-only.jar" -C "$slim" lib
rm -rf "$slim"

jlink --add-modules java.base,java.logging,java.sql --strip-debug --no-man-pages --no-header-files \
    --compress=2 --output "$bundle/jre"

cp native-build/device-run.sh "$bundle/run.sh"
mkdir -p "$bundle/py"
cp benchmarks/torch_gcl_iteration.py benchmarks/torch_small_batch.py benchmarks/device_table.py "$bundle/py/"
chmod +x "$bundle/run.sh"

bytes=$(du -sb "$bundle" | cut -f1)
echo "device-check: bundle $bundle: $((bytes / 1024 / 1024)) MiB ($bytes bytes)"
du -sh "$bundle"/* | sed 's/^/    /'
if (( bytes >= 64 * 1024 * 1024 )); then
    echo "device-check: FAILED: over the 64 MiB a device call carries"
    exit 1
fi
(( bytes >= 55 * 1024 * 1024 )) && echo "device-check: WARNING: over 55 MiB, little room left under the 64 MiB limit"
exit 0
