#!/usr/bin/env bash
# Compiles kernels/*.cu into the resources of the CUDA backend. Run by Maven (exec-maven-plugin, phase
# generate-resources) as: build-kernels.sh <project dir> <classes dir>. Also usable by hand.
#
# Output, in <classes dir>/dev/gcl/backend/cuda/:
#   gcl_kernels.fatbin      sm_80 and sm_90 machine code plus compute_90 PTX, uncompressed (loaded when the
#                           driver is CUDA 13 or newer)
#   gcl_kernels.ptx         compute_80 PTX with its .version lowered to $PTX_VERSION so CUDA 12 drivers can JIT it
#   gcl_kernels.properties  what was built, with which nvcc (the kernel-resource test reads it)
#
# Flags: -fmad=false keeps nvcc from contracting a*b + c into fused multiply-adds, so the element-wise kernels
# (RMSprop, losses, thresholds) round exactly like the CPU reference's double arithmetic; the GEMM asks for its
# fused multiply-adds explicitly (__fmaf_rn). -O3 is nvcc's default for device code. --no-compress keeps the
# embedded PTX readable and the fatbin byte-reproducible.
#
# Without nvcc this script says so and succeeds: the build then carries no kernels and the CUDA backend's probe
# reports "kernels not bundled". With nvcc, any register spill (ptxas -v) fails the build.
set -euo pipefail

project=${1:-$(cd "$(dirname "$0")/.." && pwd)}
classes=${2:-$project/target/classes}
out=$classes/dev/gcl/backend/cuda
PTX_VERSION=7.0   # CUDA 11.0; enough for everything the kernels use on sm_80 (checked by ptxas below)

# NVCC names the compiler; when unset, nvcc on the PATH or in the usual CUDA folders. (NVCC=none rehearses a
# build machine without CUDA.)
if [[ -z ${NVCC:-} ]]; then
    NVCC=nvcc
    if ! command -v nvcc >/dev/null 2>&1; then
        for candidate in /usr/local/cuda/bin/nvcc /opt/cuda/bin/nvcc; do
            [[ -x $candidate ]] && NVCC=$candidate && break
        done
    fi
fi
if ! command -v "$NVCC" >/dev/null 2>&1; then
    echo "build-kernels: nvcc not found: the CUDA kernels are not bundled (the CPU backend is unaffected)"
    rm -f "$out"/gcl_kernels.*
    exit 0
fi
PTXAS=$(dirname "$(command -v "$NVCC")")/ptxas

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/gcl-kernels.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One translation unit including every kernel file: one module, one set of flags, names resolved once.
unity=$work/gcl_kernels.cu
for f in "$project"/kernels/*.cu; do echo "#include \"$f\""; done >"$unity"
common=(-std=c++17 -fmad=false -I"$project/kernels")

# The fatbin and the PTX compile in parallel (2 cores on CI).
"$NVCC" -fatbin --no-compress "${common[@]}" -Xptxas -v \
    -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_90,code=compute_90 \
    "$unity" -o "$work/gcl_kernels.fatbin" 2>"$work/ptxas.log" &
fatbin_pid=$!
"$NVCC" -ptx "${common[@]}" -arch=compute_80 "$unity" -o "$work/gcl_kernels.ptx.orig"
wait "$fatbin_pid" || { cat "$work/ptxas.log"; echo "build-kernels: nvcc failed"; exit 1; }

# Lower the PTX ISA version, then let ptxas prove the lowered file is still valid for sm_80.
sed -E "s/^\.version [0-9]+\.[0-9]+$/.version $PTX_VERSION/" "$work/gcl_kernels.ptx.orig" >"$work/gcl_kernels.ptx"
grep -q "^\.version $PTX_VERSION$" "$work/gcl_kernels.ptx" || { echo "build-kernels: no .version line to lower"; exit 1; }
"$PTXAS" -arch=sm_80 "$work/gcl_kernels.ptx" -o "$work/check.cubin" \
    || { echo "build-kernels: ptxas rejects the PTX lowered to .version $PTX_VERSION"; exit 1; }

# Registers, spills, static shared memory per kernel and architecture (ptxas -v) plus the dynamic shared memory a
# kernel's source declares on a "gcl-dynamic-shared-bytes BYTES KERNEL..." line, and the theoretical occupancy
# those give with the kernel's block size (its __launch_bounds__, the PTX's .maxntid): resident warps per SM out of
# 64, limited by 65,536 registers (allocated per warp in units of 256), shared memory (sm_80: 164 KB, sm_90: 228 KB
# per SM, 1 KB reserved per block), 32 blocks and 2,048 threads per SM.
grep -ho 'gcl-dynamic-shared-bytes [0-9]*\( [A-Za-z0-9_]*\)*' "$project"/kernels/*.cu >"$work/dynamic-shared.txt" || true
awk '
    FILENAME ~ /dynamic-shared/ { for (i = 3; i <= NF; i++) dynamic[$i] = $2; next }
    FILENAME ~ /ptx\.orig$/ && /\.entry/     { match($0, /entry [A-Za-z0-9_]+/); entry = substr($0, RSTART + 6, RLENGTH - 6); next }
    FILENAME ~ /ptx\.orig$/ && /\.maxntid/   { split($0, t, /[ ,]+/); threads[entry] = t[2] * t[3] * t[4]; next }
    FILENAME ~ /ptx\.orig$/    { next }
    /Compiling entry function/ { match($0, /function .[A-Za-z0-9_]+./); name = substr($0, RSTART + 10, RLENGTH - 11);
                                 match($0, /for .sm_[0-9]+./); arch = substr($0, RSTART + 5, RLENGTH - 6) }
    /spill stores/             { split($0, a, " "); stack = a[1]; stores = a[5]; loads = a[9] }
    /Used [0-9]+ registers/    { match($0, /Used [0-9]+/); regs = substr($0, RSTART + 5, RLENGTH - 5);
                                 smem = 0; if (match($0, /[0-9]+ bytes smem/)) smem = substr($0, RSTART, RLENGTH - 11) + 0;
                                 if (name in dynamic) smem += dynamic[name];
                                 occ = "?";
                                 if (name in threads) {
                                     warps = int((threads[name] + 31) / 32);
                                     regsPerWarp = int((regs * 32 + 255) / 256) * 256;
                                     blocks = int(int(65536 / regsPerWarp) / warps);
                                     if (int(64 / warps) < blocks) blocks = int(64 / warps);
                                     if (blocks > 32) blocks = 32;
                                     smemSM = (arch == "sm_90") ? 233472 : 167936;
                                     if (smem > 0 && int(smemSM / (smem + 1024)) < blocks) blocks = int(smemSM / (smem + 1024));
                                     occ = sprintf("%3d%% (%d x %d threads)", 100 * blocks * warps / 64, blocks, threads[name]) }
                                 printf "%-35s %-6s %4s regs  stack %3s  spill stores %3s  spill loads %3s  smem %6d B  occupancy %s\n",
                                        name, arch, regs, stack, stores, loads, smem, occ;
                                 if (stores + loads > 0) spilled = 1 }
    END                        { exit spilled }
' "$work/dynamic-shared.txt" "$work/gcl_kernels.ptx.orig" "$work/ptxas.log" >"$work/summary.txt" && spilled=0 || spilled=1
echo "build-kernels: $("$NVCC" --version | tail -2 | head -1)"
sort "$work/summary.txt"
# a spill in a called function (the "Function properties" blocks) counts too
grep -qE '[1-9][0-9]* bytes spill (stores|loads)' "$work/ptxas.log" && spilled=1
if [[ $spilled == 1 ]]; then
    echo "build-kernels: FAILED: a kernel spills registers (see above)"
    exit 1
fi

entries=$(grep -oE '^\.(visible )?\.?entry [A-Za-z0-9_]+' "$work/gcl_kernels.ptx" | awk '{print $NF}' | sort | tr '\n' ' ')
cp "$work/gcl_kernels.fatbin" "$work/gcl_kernels.ptx" "$out/"
cat >"$out/gcl_kernels.properties" <<PROPS
# written by native-build/build-kernels.sh
nvcc=$("$NVCC" --version | grep -oE 'release [0-9.]+' | head -1)
ptx.version=$PTX_VERSION
fatbin.targets=sm_80 sm_90 compute_90
ptx.target=sm_80
flags=${common[*]:0:2}
entries=$entries
PROPS
echo "build-kernels: wrote $(stat -c %s "$out/gcl_kernels.fatbin") bytes of fatbin and $(stat -c %s "$out/gcl_kernels.ptx") bytes of PTX (.version $PTX_VERSION) to $out"
