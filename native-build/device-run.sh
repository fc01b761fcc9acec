#!/usr/bin/env bash
# The device bundle's entry point (copied to run.sh by native-build/device-check.sh). Runs on the GPU machine,
# which has no Java, Maven or network: everything needed is in this folder. Writes under $OUT (./out when unset):
#   nvidia-smi.txt  probe.txt  tests.txt  junit-xml.tar.gz  bench.txt  summary.txt   (6 files; the tool returns 8)
# Exit status: that of the CUDA test suite (0 when every test passed or skipped).
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
timeout 420 "${JAVA[@]}" -jar "$here"/lib/junit-platform-console-standalone-*.jar execute \
    --class-path "$cp" --select-package dev.gcl.backend.cuda --select-class dev.gcl.backend.cpu.CpuBackendTest \
    --details=tree --disable-banner --disable-ansi-colors --reports-dir "$here/junit-xml" >"$OUT/tests.txt" 2>&1
tests_status=$?
tar -czf "$OUT/junit-xml.tar.gz" -C "$here" junit-xml 2>/dev/null
tail -15 "$OUT/tests.txt"

if [[ $probe_status == 0 ]]; then
    timeout 300 "${JAVA[@]}" -cp "$cp" dev.gcl.bench.DeviceCheck bench >"$OUT/bench.txt" 2>&1
    echo "bench exit status $?" >>"$OUT/bench.txt"
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
    grep '^RESULT ' "$OUT/bench.txt" | sed -E 's/^RESULT ([^=]+)=(.*)$/| \1 | \2 |/'
    grep -q '^RESULT ' "$OUT/bench.txt" || echo "| bench | $(head -1 "$OUT/bench.txt") |"
} >"$OUT/summary.txt"
echo
cat "$OUT/summary.txt"
exit $tests_status
