#!/usr/bin/env bash
# The device bundle's entry point (copied to run.sh by native-build/device-check.sh). Runs on the GPU machine,
# which has no Java, Maven or network: everything needed is in this folder. Writes under $OUT (./out when unset),
# 8 files, the most the device tool returns:
#   nvidia-smi.txt  probe.txt  tests.txt  junit-xml.tar.gz
#   verify.txt          gcl verify in fp32, then in tf32 (tables and verdicts)
#   verify-json.tar.gz  their verify.json files (verify-fp32/, verify-tf32/)
#   bench.txt           the benchmark in fp32, then in tf32
#   summary.txt         the table printed last
# Worst case about 8 minutes (each step has its own timeout), inside the 540 s a device call should ask for.
# Exit status: that of the CUDA test suite (0 when every test passed or skipped), or 3 when it passed and a gcl
# verify found results outside tolerance.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$here/out}
mkdir -p "$OUT"
cd "$here"

# libcuda.so.1 may sit outside the loader's default path (the H200 image mounts the driver under /usr/local/nvidia)
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/local/cuda/compat; do
    [[ -e $d/libcuda.so.1 ]] && export LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
done
mkdir -p "$here/tmp"   # private java.io.tmpdir: JCuda extracts its natives there and reuses what it finds
JAVA=("$here/jre/bin/java" -Xmx24g -Djava.io.tmpdir="$here/tmp")
cp="$here/classes:$here/test-classes"
for j in "$here"/lib/*.jar; do cp="$cp:$j"; done

{ nvidia-smi 2>&1 || echo "nvidia-smi: not available"; } >"$OUT/nvidia-smi.txt"

"${JAVA[@]}" -cp "$cp" dev.gcl.bench.DeviceCheck probe 2>&1 | tee "$OUT/probe.txt"
probe_status=${PIPESTATUS[0]}

# The CUDA suite (skips with the probe's reason where no GPU is usable) plus the CPU contract test, which proves
# this Java runtime runs the contract's code (commons-math included).
rm -rf "$here/junit-xml"
timeout 240 "${JAVA[@]}" -jar "$here"/lib/junit-platform-console-standalone-*.jar execute \
    --class-path "$cp" --select-package dev.gcl.backend.cuda --select-class dev.gcl.backend.cpu.CpuBackendTest \
    --select-class dev.gcl.cli.VerifyCommandTest \
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
    timeout 60 "${JAVA[@]}" -cp "$cp" dev.gcl.cli.Main verify --precision $precision --iterations 5 --seed 1 \
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
    for precision in fp32 tf32; do
        timeout 60 "${JAVA[@]}" -cp "$cp" dev.gcl.bench.DeviceCheck bench $precision >>"$OUT/bench.txt" 2>&1
        echo "bench $precision exit status $?" >>"$OUT/bench.txt"
    done
else
    echo "bench skipped: the probe reports CUDA unavailable" >"$OUT/bench.txt"
fi

count() { grep -oE "\[ +[0-9]+ $1 " "$OUT/tests.txt" | grep -oE '[0-9]+' | head -1; }
{
    echo "| item | result |"
    echo "|---|---|"
    gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
    echo "| device | ${gpu:-none (nvidia-smi unavailable)} |"
    echo "| probe | $(grep -m1 '^probe:' "$OUT/probe.txt" | cut -c8-) |"
    echo "| tests | found $(count 'tests found'), successful $(count 'tests successful'), failed $(count 'tests failed'), skipped/aborted $(( $(count 'tests skipped') + $(count 'tests aborted') )), exit $tests_status |"
    for precision in fp32 tf32; do
        line=$(grep -m1 -E '^(verify: |gcl: )' <(sed -n "/^== gcl verify --precision $precision/,/^== exit/p" "$OUT/verify.txt"))
        echo "| verify $precision | ${line:-no output}, exit ${verify_exit[$precision]} |"
    done
    grep '^RESULT ' "$OUT/bench.txt" | sed -E 's/^RESULT ([^=]+)=(.*)$/| \1 | \2 |/'
    grep -q '^RESULT ' "$OUT/bench.txt" || echo "| bench | $(head -1 "$OUT/bench.txt") |"
} >"$OUT/summary.txt"
echo
cat "$OUT/summary.txt"
(( tests_status != 0 )) && exit $tests_status
exit $verify_status
