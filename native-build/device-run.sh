#!/usr/bin/env bash
# The device bundle's entry point (copied to run.sh by native-build/device-check.sh). Runs on the GPU machine,
# which has no Java, Maven or network: everything needed is in this folder. Writes under $OUT (./out when unset),
# 8 files, the most the device tool returns:
#   machine.txt     nvidia-smi, then the CUDA probe's verdict
#   tests.txt  junit-xml.tar.gz
#   verify.txt          gcl verify in fp32, then in tf32 (tables and verdicts)
#   verify-json.tar.gz  their verify.json files (verify-fp32/, verify-tf32/)
#   bench.txt           every GEMM kernel at the paper's layer shapes (DeviceCheck gemm), the memory-bound kernels'
#                       GB/s (DeviceCheck memory), the benchmark in fp32 and tf32 (a gcl-b iteration), small batches
#                       (SmallBatchSweep: gcl-b at B 64, D 768, the paper's hidden sizes, launch by launch and as one
#                       graph per iteration; sweeps of 1, 8 and 32 seeds at once), then PyTorch on the same GPU
#                       (torch_gcl_iteration.py: the same GEMMs and memory-bound ops; torch_small_batch.py: the small
#                       batch and the sweeps, eager and with torch.cuda.graphs)
#   sanitizer.txt       compute-sanitizer memcheck, racecheck, synccheck and initcheck, each over every CUDA test
#                       class on trimmed shapes (-Dgcl.cuda.trim=true; where compute-sanitizer exists)
#   summary.txt         the tables printed last: checks, then ours vs torch and vs the H200's peaks
#                       (benchmarks/device_table.py: TFLOP/s against 67 FP32 / 495 TF32, GB/s against 4.8 TB/s)
# Each step has its own timeout and the whole run a budget of BUDGET_S seconds (default 570): a step starts with
# at most what is left, so run.sh ends inside the 590 s the device call is given (the device session is 15
# minutes in all, start-up included: one call).
# Exit status: that of the CUDA test suite (0 when every test passed or skipped), or 3 when it passed and a gcl
# verify found results outside tolerance.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$here/out}
mkdir -p "$OUT"
cd "$here"
BUDGET_S=${BUDGET_S:-570}
# seconds for a step: its own limit, or what is left of the budget (at least 1)
limit() { local left=$((BUDGET_S - SECONDS)); (( left < $1 )) && echo $((left > 1 ? left : 1)) || echo "$1"; }

# libcuda.so.1 may sit outside the loader's default path (the H200 image mounts the driver under /usr/local/nvidia)
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/local/cuda/compat; do
    [[ -e $d/libcuda.so.1 ]] && export LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
done
mkdir -p "$here/tmp"   # private java.io.tmpdir: JCuda extracts its natives there and reuses what it finds
JAVA=("$here/jre/bin/java" -Xmx24g -Djava.io.tmpdir="$here/tmp")
cp="$here/gcl.jar:$here/test-classes"
for j in "$here"/lib/*.jar; do cp="$cp:$j"; done

{ nvidia-smi 2>&1 || echo "nvidia-smi: not available"; } >"$OUT/machine.txt"

"${JAVA[@]}" -cp "$cp" dev.gcl.bench.DeviceCheck probe 2>&1 | tee "$here/probe.txt"
probe_status=${PIPESTATUS[0]}
cat "$here/probe.txt" >>"$OUT/machine.txt"

# The CUDA suite (skips with the probe's reason where no GPU is usable) plus the CPU contract test, which proves
# this Java runtime runs the contract's code (commons-math included).
# First contact (docs/gpu.md): each image kind loaded with the driver's compute cache off (the PTX one is compiled
# by the driver: its JIT time), the canary run then read from its cache, a UCF-sized upload and a forced OOM.
: >"$OUT/first-contact.txt"
if [[ $probe_status == 0 ]]; then
    for image in fatbin ptx; do
        echo "== gcl info with GCL_CUDA_IMAGE=$image CUDA_CACHE_DISABLE=1" >>"$OUT/first-contact.txt"
        start=$SECONDS
        GCL_CUDA_IMAGE=$image CUDA_CACHE_DISABLE=1 GCL_CACHE_DIR="$here/cache-$image" timeout $(limit 150) \
            "${JAVA[@]}" -cp "$cp" dev.gcl.cli.Main info >>"$OUT/first-contact.txt" 2>&1
        echo "== exit status $?, $((SECONDS - start)) s" >>"$OUT/first-contact.txt"
    done
    echo "== gcl info again (the canary's verdict from its cache)" >>"$OUT/first-contact.txt"
    GCL_CACHE_DIR="$here/cache-fatbin" timeout $(limit 60) "${JAVA[@]}" -cp "$cp" dev.gcl.cli.Main info \
        >>"$OUT/first-contact.txt" 2>&1
    echo "== DeviceCheck contact" >>"$OUT/first-contact.txt"
    timeout $(limit 90) "${JAVA[@]}" -cp "$cp" dev.gcl.bench.DeviceCheck contact >>"$OUT/first-contact.txt" 2>&1
    echo "== exit status $?" >>"$OUT/first-contact.txt"
fi
grep -E '^(device |== |RESULT )' "$OUT/first-contact.txt"

# the kernel-image tests read native-build/kernel-images/ and the whole image set, which the bundle does not carry
rm -rf "$here/junit-xml"
timeout $(limit 120) "${JAVA[@]}" -jar "$here"/lib/junit-platform-console-standalone-*.jar execute \
    --class-path "$cp" --select-package dev.gcl.backend.cuda --select-class dev.gcl.backend.reference.ReferenceBackendTest \
    --select-class dev.gcl.cli.VerifyCommandTest \
    --exclude-classname '.*\.(KernelImagesTest|KernelResourcesTest)' \
    --details=tree --disable-banner --disable-ansi-colors --reports-dir "$here/junit-xml" >"$OUT/tests.txt" 2>&1
tests_status=$?
tar -czf "$OUT/junit-xml.tar.gz" -C "$here" junit-xml 2>/dev/null
tail -15 "$OUT/tests.txt"

# gcl verify in both precisions: every op on random shapes, then 5 GCL iterations, against the CPU. Without a GPU
# each prints one line with the probe's reason and exits 2.
: >"$OUT/verify.txt"
verify_status=0
declare -A verify_exit
for precision in fp32 tf32; do
    echo "== gcl verify --precision $precision" >>"$OUT/verify.txt"
    timeout $(limit 35) "${JAVA[@]}" -cp "$cp" dev.gcl.cli.Main verify --precision $precision --iterations 5 --seed 1 \
        --out "$here/verify-$precision" >>"$OUT/verify.txt" 2>&1
    verify_exit[$precision]=$?
    echo "== exit status ${verify_exit[$precision]}" >>"$OUT/verify.txt"
    [[ ${verify_exit[$precision]} == 3 ]] && verify_status=3
done
tar -czf "$OUT/verify-json.tar.gz" -C "$here" $(cd "$here" && ls -d verify-fp32 verify-tf32 2>/dev/null) 2>/dev/null \
    || tar -czf "$OUT/verify-json.tar.gz" -T /dev/null
grep -E '^(verify: |gcl: )' "$OUT/verify.txt"

: >"$OUT/bench.txt"
if [[ $probe_status == 0 ]]; then
    echo "== DeviceCheck gemm: every GEMM kernel at the paper's layer shapes" >>"$OUT/bench.txt"
    timeout $(limit 75) "${JAVA[@]}" -cp "$cp" dev.gcl.bench.DeviceCheck gemm >>"$OUT/bench.txt" 2>&1
    echo "gemm exit status $?" >>"$OUT/bench.txt"
    echo "== DeviceCheck memory: the memory-bound kernels' GB/s" >>"$OUT/bench.txt"
    timeout $(limit 20) "${JAVA[@]}" -cp "$cp" dev.gcl.bench.DeviceCheck memory >>"$OUT/bench.txt" 2>&1
    echo "memory exit status $?" >>"$OUT/bench.txt"
    for precision in fp32 tf32; do
        echo "== DeviceCheck bench $precision" >>"$OUT/bench.txt"
        timeout $(limit 30) "${JAVA[@]}" -cp "$cp" dev.gcl.bench.DeviceCheck bench $precision >>"$OUT/bench.txt" 2>&1
        echo "bench $precision exit status $?" >>"$OUT/bench.txt"
    done
    echo "== SmallBatchSweep: gcl-b B 64 at D 768, launch by launch and as graphs; sweeps of 1, 8, 32 seeds" \
        >>"$OUT/bench.txt"
    timeout $(limit 60) "${JAVA[@]}" -cp "$cp" dev.gcl.bench.SmallBatchSweep >>"$OUT/bench.txt" 2>&1
    echo "small batch exit status $?" >>"$OUT/bench.txt"
else
    echo "bench skipped: the probe reports CUDA unavailable" >"$OUT/bench.txt"
fi
# PyTorch on the same GPU (the machine's python3; prints why when it has no torch or no GPU)
echo "== torch_gcl_iteration.py" >>"$OUT/bench.txt"
if command -v python3 >/dev/null 2>&1; then
    timeout $(limit 80) python3 "$here/py/torch_gcl_iteration.py" >>"$OUT/bench.txt" 2>&1
    echo "torch exit status $?" >>"$OUT/bench.txt"
    echo "== torch_small_batch.py" >>"$OUT/bench.txt"
    timeout $(limit 60) python3 "$here/py/torch_small_batch.py" >>"$OUT/bench.txt" 2>&1
    echo "torch small batch exit status $?" >>"$OUT/bench.txt"
else
    echo "torch skipped: no python3" >>"$OUT/bench.txt"
fi

# compute-sanitizer: each of its four tools over every CUDA test class (the dev.gcl.backend.cuda package), on
# trimmed shapes (gcl.cuda.trim: fewer and smaller shapes, every test still runs) so that the four fit; 35 s each
# (the device entry's KINDS.md says on which runtime it works). racecheck and synccheck see the shared-memory
# hazards and barrier misuse the stand-in cannot (its threads switch only at barriers); initcheck reads of
# uninitialised global memory.
sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
: >"$OUT/sanitizer.txt"
if [[ $probe_status == 0 && -n $sanitizer && -x $sanitizer ]]; then
    for tool in memcheck racecheck synccheck initcheck; do
        echo "== $sanitizer --tool $tool (package dev.gcl.backend.cuda, -Dgcl.cuda.trim=true)" >>"$OUT/sanitizer.txt"
        timeout $(limit 35) "$sanitizer" --tool $tool --error-exitcode 9 --print-limit 20 \
            "${JAVA[@]}" -Dgcl.cuda.trim=true -jar "$here"/lib/junit-platform-console-standalone-*.jar execute \
            --class-path "$cp" --select-package dev.gcl.backend.cuda --details=summary --disable-banner \
            --disable-ansi-colors >>"$OUT/sanitizer.txt" 2>&1
        echo "== $tool exit status $?" >>"$OUT/sanitizer.txt"
    done
else
    echo "sanitizer skipped: ${sanitizer:-no compute-sanitizer on this machine}$([[ $probe_status == 0 ]] || echo ', CUDA unavailable')" \
        >>"$OUT/sanitizer.txt"
fi

count() { grep -oE "\[ +[0-9]+ $1 " "$OUT/tests.txt" | grep -oE '[0-9]+' | head -1; }
{
    echo "| item | result |"
    echo "|---|---|"
    gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
    echo "| device | ${gpu:-none (nvidia-smi unavailable)} |"
    echo "| probe | $(grep -m1 '^probe:' "$here/probe.txt" | cut -c8-) |"
    grep -E '^(device   cuda|RESULT (resident_upload|out_of_memory))' "$OUT/first-contact.txt" \
        | sed -E 's/^device   cuda: (.*)$/| first contact | \1 |/; s/^RESULT ([^=]+)=(.*)$/| \1 | \2 |/' 
    echo "| tests | found $(count 'tests found'), successful $(count 'tests successful'), failed $(count 'tests failed'), skipped/aborted $(( $(count 'tests skipped') + $(count 'tests aborted') )), exit $tests_status |"
    for precision in fp32 tf32; do
        line=$(grep -m1 -E '^(verify: |gcl: )' <(sed -n "/^== gcl verify --precision $precision/,/^== exit/p" "$OUT/verify.txt"))
        echo "| verify $precision | ${line:-no output}, exit ${verify_exit[$precision]} |"
    done
    grep '^RESULT ' "$OUT/bench.txt" | sed -E 's/^RESULT ([^=]+)=(.*)$/| \1 | \2 |/'
    grep -q '^RESULT ' "$OUT/bench.txt" || echo "| bench | $(head -1 "$OUT/bench.txt") |"
    echo "| torch | $(grep -m1 -E '^torch' "$OUT/bench.txt" || echo 'no output') |"
    grep -E '^MEASURE (gcl|torch) gcl-b,B=64' "$OUT/bench.txt" | sed -E 's/^MEASURE (.*)$/| small batch | \1 |/'
    grep -q '^MEASURE gcl gcl-b,B=64' "$OUT/bench.txt" || echo "| small batch | $(grep -m1 -E '^(RESULT small_batch|small batch exit)' "$OUT/bench.txt" || echo 'no output') |"
    grep -E '^== (memcheck|racecheck|synccheck|initcheck) exit status' "$OUT/sanitizer.txt" \
        | sed -E 's/^== (.*) exit status (.*)$/| sanitizer \1 | exit \2 (124: out of time) |/'
    grep -q '^sanitizer skipped' "$OUT/sanitizer.txt" && echo "| sanitizer | $(head -1 "$OUT/sanitizer.txt") |"
    echo
    if command -v python3 >/dev/null 2>&1; then
        python3 "$here/py/device_table.py" "$OUT/bench.txt"
    else
        echo "(no python3: no ratio table; the MEASURE lines are in bench.txt)"
    fi
    echo
    echo "run.sh: ${SECONDS} s"
} >"$OUT/summary.txt"
echo
cat "$OUT/summary.txt"
(( tests_status != 0 )) && exit $tests_status
exit $verify_status
