#!/usr/bin/env bash
# Rehearses build machines without a working nvcc: native-build/build-kernels.sh must succeed and put the committed
# images of native-build/kernel-images/ into the classes, byte for byte, with
#   1. NVCC=none, kernels/ unchanged          (one line: copied, nvcc not run)
#   2. NVCC=none, kernels/ changed            (one warning line: the committed images are stale)
#   3. an nvcc that answers --version but fails to compile, kernels/ changed (one warning line)
# and GCL_KERNELS=rebuild with NVCC=none must fail. No compiler runs: a few seconds.
#     .ci/nvcc-none.sh [checkout] [scratch folder]
set -euo pipefail
clone=$(cd "${1:-$(dirname "$0")/..}" && pwd)
scratch=${2:-$(mktemp -d "${TMPDIR:-/tmp}/gcl-nvcc-none.XXXXXX")}
mkdir -p "$scratch"
images=$clone/native-build/kernel-images
files=(gcl_kernels.fatbin gcl_kernels.ptx gcl_kernels_sm75.ptx gcl_kernels.properties)

# run NAME EXPECTED-PATTERN PROJECT [env...]: build-kernels.sh into $scratch/NAME, exit 0, the line, the images
run() {
    local name=$1 pattern=$2 project=$3
    shift 3
    local out
    out=$(env "$@" bash "$clone/native-build/build-kernels.sh" "$project" "$scratch/$name/classes") \
        || { echo "nvcc-none: $name: build-kernels.sh failed: $out"; exit 1; }
    echo "nvcc-none: $name: $out"
    [[ $(wc -l <<<"$out") == 1 ]] || { echo "nvcc-none: $name: expected one line"; exit 1; }
    grep -qE "$pattern" <<<"$out" || { echo "nvcc-none: $name: expected /$pattern/"; exit 1; }
    for f in "${files[@]}"; do
        cmp -s "$images/$f" "$scratch/$name/classes/dev/gcl/backend/cuda/$f" \
            || { echo "nvcc-none: $name: $f differs from native-build/kernel-images/"; exit 1; }
    done
}

run unchanged 'unchanged since native-build/kernel-images/ was written.*nvcc not run' "$clone" NVCC=none

# A checkout whose kernels/ changed since the images were committed (a comment appended to one source).
stale=$scratch/stale-checkout
mkdir -p "$stale"
cp -r "$clone/kernels" "$clone/native-build" "$stale/"
echo "// an edit not yet refreshed" >>"$stale/kernels/gather.cu"
run stale-no-nvcc 'WARNING: nvcc not found.*STALE' "$stale" NVCC=none

fake=$scratch/fake-cuda/bin
mkdir -p "$fake"
printf '#!/bin/sh\n[ "$1" = --version ] && echo "Cuda compilation tools, release 13.0, V13.0.0" && exit 0\necho "fake nvcc: cannot compile" >&2\nexit 1\n' >"$fake/nvcc"
cp "$fake/nvcc" "$fake/ptxas"
cp "$fake/nvcc" "$fake/fatbinary"
chmod +x "$fake"/*
run stale-failing-nvcc 'WARNING: the nvcc build failed.*STALE' "$stale" NVCC="$fake/nvcc"

if out=$(GCL_KERNELS=rebuild NVCC=none bash "$clone/native-build/build-kernels.sh" "$clone" "$scratch/forced/classes"); then
    echo "nvcc-none: GCL_KERNELS=rebuild without nvcc succeeded: $out"
    exit 1
fi
echo "nvcc-none: forced rebuild without nvcc fails as it should: $out"
echo "nvcc-none: ok"
