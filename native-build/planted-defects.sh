#!/usr/bin/env bash
# Planted-defect drill of the TF32 128x128 kernel under the stand-in: applies one defect at a time to
# kernels/dense_tf32_big.cu, rebuilds, runs the parity and bit-equality tests of DenseGemmTf32KernelsTest in the
# stand-in execution, restores the file, and prints whether the tests caught the defect. A defect the tests do
# not catch makes the script exit 1. By hand (1.5 to 3 minutes a defect on 2 cores):
#
#   bash native-build/planted-defects.sh [checkout]     # default: this script's checkout
#
# Runs in the checkout it is given and restores the kernel file on exit (also on Ctrl-C); run it on a copy when
# other work uses the same checkout. docs/gpu-kernels.md records the last run.
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
kernel=$root/kernels/dense_tf32_big.cu
backup=$(mktemp "${TMPDIR:-/tmp}/dense_tf32_big.XXXXXX")
cp "$kernel" "$backup"
trap 'cp "$backup" "$kernel"; rm -f "$backup"' EXIT

tests='DenseGemmTf32KernelsTest#bigTilesMatchTheCpuReferenceWithinTheTf32Bound+bigTilesEqualTheSmallTf32TilesBitForBitAlignedOrNot'

# name | sed expression applied to the kernel (each must change the file)
defects=(
    'no cp.async wait|s#^\( *\)gcl_cp_async_wait<TB_STAGES - 2>();#\1;#'
    'wait_group 2 (one slice too few)|s#gcl_cp_async_wait<TB_STAGES - 2>();#gcl_cp_async_wait<TB_STAGES - 1>();#'
    'no barrier after the wait|s#^\( *\)__syncthreads();  *// everyone.s have#\1;  // everyone'"'"'s have#'
    'refill the stage being read|s#load(next % TB_STAGES, next);#load(kt % TB_STAGES, next);#'
    'no tf32 rounding of the ldmatrix A fragments|s#fa\[i\]\[r\] = gcl_to_tf32_bits(fa\[i\]\[r\]);#;#'
    'ldmatrix: chunk columns of A swapped|s#chunkStep = bOperand ? mi \& 1 : mi >> 1;#chunkStep = bOperand ? mi \& 1 : mi \& 1;#'
)

missed=0
for d in "${defects[@]}"; do
    name=${d%%|*}
    expr=${d#*|}
    cp "$backup" "$kernel"
    sed -i "$expr" "$kernel"
    if cmp -s "$backup" "$kernel"; then
        echo "planted-defects: '$name' changed nothing in the kernel (the drill is out of date)"
        missed=1
        continue
    fi
    # NVCC=none: the stand-in compiles the defective kernel with g++; nvcc would rebuild all seven arches of the
    # (now stale) images for nothing, and build-kernels.sh copies the committed ones instead
    if (cd "$root" && NVCC=none mvn -B -ntp -o -q test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
            >"$root/target/planted-defect.log" 2>&1); then
        echo "planted-defects: NOT CAUGHT: $name"
        missed=1
    else
        report=$(grep -ho 'tests="[0-9]*" errors="[0-9]*" skipped="[0-9]*" failures="[0-9]*"' \
            "$root"/target/surefire-reports-cuda-standin/TEST-*DenseGemmTf32KernelsTest*.xml 2>/dev/null || true)
        echo "planted-defects: caught: $name (${report:-the build failed})"
    fi
done
exit $missed
