#!/usr/bin/env bash
# The kernel images of the CUDA backend. Run by Maven (exec-maven-plugin, phase generate-resources, every build) as
#     build-kernels.sh <project dir> <classes dir>
# and by hand, after editing kernels/, as
#     native-build/build-kernels.sh --refresh            (or GCL_KERNELS=refresh)
#
# The images are committed, in native-build/kernel-images/, with the manifest gcl_kernels.properties this script
# writes; every build puts them into <classes dir>/dev/gcl/backend/cuda/, so every jar carries kernels, whether or
# not its build machine has nvcc:
#
#   kernels/ unchanged since the committed manifest     the committed images are copied; nvcc is not run (one line).
#   (and GCL_KERNELS unset)                             nvcc 13.0 would write the same bytes: the build below is
#                                                       reproducible (checked: two builds, byte-equal).
#   kernels/ changed, nvcc works                        built with nvcc into the classes dir; one warning line says the
#                                                       committed images are stale and how to refresh them.
#   nvcc absent (NVCC=none rehearses it) or failing     the committed images are copied with one warning line (saying
#                                                       whether they are stale); exit 0: the build never fails for
#                                                       want of nvcc. Without committed images: no kernels, exit 0.
#   GCL_KERNELS=rebuild                                 always built with nvcc (exit 1 if that fails).
#   --refresh, GCL_KERNELS=refresh                      built with nvcc and written to native-build/kernel-images/
#                                                       (then commit that folder); exit 1 if that fails.
#
# The images (one unity translation unit including every kernels/*.cu, -std=c++17 -fmad=false):
#   gcl_kernels.fatbin      cubins for sm_75 sm_80 sm_86 sm_89 sm_90 sm_100 sm_120, each compiled from its own
#                           compute_XX PTX, plus the compute_90 PTX (.version 9.0) for the driver to JIT on newer
#                           GPUs; uncompressed (--no-compress). Needs a CUDA 13.0+ driver (r580): older drivers read
#                           neither nvcc 13's cubins nor PTX 9.0.
#   gcl_kernels.ptx         compute_80 PTX, .version lowered to $PTX_VERSION, checked by ptxas -arch=sm_80: what
#                           CUDA 11/12 drivers JIT on CC >= 8.0.
#   gcl_kernels_sm75.ptx    compute_75 PTX, lowered likewise, checked by ptxas -arch=sm_75: CUDA 11/12 drivers, CC 7.5.
#   gcl_kernels.properties  the manifest (keys below; dev.gcl.backend.cuda.KernelImage and the tests read them).
# On sm_75 the TF32 kernels are trap-only (kernels/gcl_tf32.cuh, GCL_TF32_ARCH): TF32 needs CC 8.0.
#
# sources.sha256, the manifest's key for "which kernels/ these images were built from", is defined as: SHA-256 of
# the concatenation, over the files kernels/*.cu and kernels/*.cuh in ascending byte order of their names, of the
# file's name (no folder), one newline (0x0A), then the file's bytes. KernelImagesTest computes it the same way.
#
# Flags: -fmad=false keeps nvcc from contracting a*b + c into fused multiply-adds, so the element-wise kernels
# (RMSprop, losses, thresholds) round exactly like the CPU reference's double arithmetic; the GEMM asks for its
# fused multiply-adds explicitly (__fmaf_rn). -O3 is nvcc's default for device code. The build is nvcc -fatbin's own
# pipeline spelled out (nvcc -dryrun shows it): nvcc -ptx (cicc) per compute_XX, ptxas -v per sm_XX, fatbinary with
# the options nvcc gives it; that way each compute_XX PTX is compiled once (the lowered PTX images reuse compute_80
# and compute_75), the arches compile in parallel ($GCL_KERNEL_JOBS, default: the number of CPUs) and each arch's
# ptxas -v log is its own. Any register spill, or a kernel needing more shared memory than its arch gives a block,
# fails the nvcc build.
set -euo pipefail
export LC_ALL=C   # file-name order (the unity file, the sources hash) and sort must not depend on the locale

PTX_VERSION=7.0   # the .version of the lowered PTX images
# PTX ISA version -> the first CUDA release (and so driver, cuDriverGetVersion = 1000·major + 10·minor) that reads
# it (PTX ISA release notes): 7.0 11.0 | 7.1 11.1 | 7.2 11.2 | 7.3 11.3 | 7.4 11.4 | 7.5 11.5 | 7.6 11.6 | 7.7 11.7 |
# 7.8 11.8 | 8.0 12.0 | 8.1 12.1 | 8.2 12.2 | 8.3 12.3 | 8.4 12.4 | 8.5 12.5 (12.6 too) | 8.7 12.8 | 8.8 12.9 |
# 9.0 13.0. 7.0 has everything the kernels use on sm_75 and sm_80 (mma .tf32, cvt.rna.tf32, cp.async, ldmatrix:
# ptxas proves it below); sm_90 PTX would need 7.8.
PTX_MIN_DRIVER=11000   # PTX ISA 7.0 = CUDA 11.0
FATBIN_MIN_DRIVER=13000   # nvcc 13's cubins and PTX 9.0: CUDA 13.0
CUBIN_ARCHS=(75 80 86 89 90 100 120)
FATBIN_PTX_ARCH=90
FLAGS=(-std=c++17 -fmad=false)
IMAGES=(gcl_kernels.fatbin gcl_kernels.ptx gcl_kernels_sm75.ptx)
MANIFEST=gcl_kernels.properties
REFRESH_COMMAND="native-build/build-kernels.sh --refresh"

mode=auto
positional=()
for arg in "$@"; do
    case $arg in
        --refresh) mode=refresh ;;
        -*) echo "build-kernels: unknown option $arg (usage: build-kernels.sh [--refresh] [project dir] [classes dir])" >&2; exit 2 ;;
        *) positional+=("$arg") ;;
    esac
done
case ${GCL_KERNELS:-} in
    "") ;;
    rebuild) [[ $mode == refresh ]] || mode=rebuild ;;
    refresh) mode=refresh ;;
    *) echo "build-kernels: GCL_KERNELS=$GCL_KERNELS: expected rebuild or refresh" >&2; exit 2 ;;
esac
project=${positional[0]:-$(cd "$(dirname "$0")/.." && pwd)}
project=$(cd "$project" && pwd)
classes=${positional[1]:-$project/target/classes}
out=$classes/dev/gcl/backend/cuda
committed=$project/native-build/kernel-images

# The sources hash, as defined above.
sources_sha256() {
    (cd "$project/kernels" && for f in $(ls -1 | grep -E '\.(cu|cuh)$' | sort); do printf '%s\n' "$f"; cat -- "$f"; done) \
        | sha256sum | cut -d' ' -f1
}
# prop FILE KEY: the value of KEY in a properties file this script wrote (empty if absent).
prop() { [[ -f $1 ]] && awk -v key="$2" 'index($0, key "=") == 1 { print substr($0, length(key) + 2); exit }' "$1" || true; }

sources=$(sources_sha256)

# State of the committed images: current (built from these sources with this script's arches and flags, bytes as
# the manifest says), stale (bytes as the manifest says, other sources or settings), damaged, or absent.
committed_state() {
    local m=$committed/$MANIFEST image
    [[ -f $m ]] || { echo absent; return; }
    for image in fatbin ptx ptx75; do
        local file sha
        file=$(prop "$m" "image.$image.file")
        sha=$(prop "$m" "image.$image.sha256")
        [[ -n $file && -f $committed/$file ]] || { echo damaged; return; }
        [[ $(sha256sum "$committed/$file" | cut -d' ' -f1) == "$sha" ]] || { echo damaged; return; }
    done
    if [[ $(prop "$m" sources.sha256) == "$sources" && $(prop "$m" flags) == "${FLAGS[*]}" \
          && $(prop "$m" image.fatbin.cubins) == "$(printf 'sm_%s ' "${CUBIN_ARCHS[@]}" | sed 's/ $//')" \
          && $(prop "$m" image.fatbin.ptx) == "compute_$FATBIN_PTX_ARCH" && $(prop "$m" image.ptx.ptx.version) == "$PTX_VERSION" ]]; then
        echo current
    else
        echo stale
    fi
}
state=$(committed_state)

# install DIR: the images and manifest of DIR into the classes dir (a file already equal is left alone).
install_images() {
    mkdir -p "$out"
    local f
    for f in "${IMAGES[@]}" "$MANIFEST"; do
        cmp -s "$1/$f" "$out/$f" || cp "$1/$f" "$out/$f"
    done
}

if [[ $mode == auto && $state == current ]]; then
    install_images "$committed"
    echo "build-kernels: kernels/ unchanged since native-build/kernel-images/ was written (sources sha256 ${sources:0:12}): copied its images, nvcc not run"
    exit 0
fi

# Where the nvcc build cannot happen or fails: refresh/rebuild fail; the ordinary build falls back to the committed
# images (or to none) and succeeds.
fall_back() {
    local reason=$1
    if [[ $mode != auto ]]; then
        echo "build-kernels: FAILED: $reason (a forced rebuild or a refresh needs a working nvcc 13)"
        exit 1
    fi
    case $state in
        current) install_images "$committed"
                 echo "build-kernels: WARNING: $reason: copied the committed images of native-build/kernel-images/ (built from these kernels/ sources)" ;;
        stale)   install_images "$committed"
                 echo "build-kernels: WARNING: $reason: copied the committed images of native-build/kernel-images/, which are STALE (kernels/ or this script changed since they were written; refresh where nvcc 13 works: $REFRESH_COMMAND, then commit)" ;;
        *)       rm -f "$out"/gcl_kernels*
                 echo "build-kernels: WARNING: $reason, and native-build/kernel-images/ is $state: no kernels bundled (the CUDA backend will report it; the CPU backend is unaffected)" ;;
    esac
    exit 0
}

# NVCC names the compiler; when unset, nvcc on the PATH or in the usual CUDA folders. NVCC=none rehearses a build
# machine without CUDA.
if [[ -z ${NVCC:-} ]]; then
    NVCC=nvcc
    if ! command -v nvcc >/dev/null 2>&1; then
        for candidate in /usr/local/cuda/bin/nvcc /opt/cuda/bin/nvcc; do
            [[ -x $candidate ]] && NVCC=$candidate && break
        done
    fi
fi
command -v "$NVCC" >/dev/null 2>&1 || fall_back "nvcc not found (NVCC=$NVCC)"
nvcc_release=$("$NVCC" --version 2>/dev/null | grep -oE 'release [0-9]+\.[0-9]+, V[0-9.]+' | head -1) || true
[[ -n $nvcc_release ]] || fall_back "$NVCC --version does not answer like nvcc"
tools=$(dirname "$(command -v "$NVCC")")
PTXAS=$tools/ptxas
FATBINARY=$tools/fatbinary
[[ -x $PTXAS && -x $FATBINARY ]] || fall_back "no ptxas or fatbinary beside $NVCC"

work=$(mktemp -d "${TMPDIR:-/tmp}/gcl-kernels.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$(dirname "$classes")/gcl-kernels-build.log
mkdir -p "$(dirname "$log")"
: >"$log"
started=$SECONDS

# One translation unit including every kernel file: one module, one set of flags, names resolved once. Included by
# name (-I kernels), so no path of this checkout reaches the output.
unity=$work/gcl_kernels.cu
for f in $(cd "$project/kernels" && ls -1 | grep -E '\.cu$' | sort); do echo "#include \"$f\""; done >"$unity"
common=("${FLAGS[@]}" -I"$project/kernels")

# lower ARCH FILE: compute_ARCH PTX with its .version lowered, proven valid by ptxas for sm_ARCH.
lower() {
    sed -E "s/^\.version [0-9]+\.[0-9]+$/.version $PTX_VERSION/" "$work/compute_$1.ptx" >"$work/$2"
    grep -q "^\.version $PTX_VERSION$" "$work/$2" || { echo "no .version line to lower in the compute_$1 PTX"; return 1; }
    "$PTXAS" -arch="sm_$1" -m64 "$work/$2" -o "$work/check_$1.cubin" 2>&1 \
        || { echo "ptxas -arch=sm_$1 rejects the compute_$1 PTX lowered to .version $PTX_VERSION"; return 1; }
}
# arch_job ARCH: compute_ARCH PTX (cicc), sm_ARCH cubin (ptxas -v, options as nvcc -fmad=false gives them), and the
# lowered PTX image where there is one. Output in $work/job_ARCH.log.
arch_job() {
    local a=$1
    {
        "$NVCC" -ptx "${common[@]}" -arch="compute_$a" "$unity" -o "$work/compute_$a.ptx" 2>&1 \
            || { echo "nvcc -ptx -arch=compute_$a failed"; return 1; }
        "$PTXAS" -arch="sm_$a" -m64 -v --fmad false "$work/compute_$a.ptx" -o "$work/sm_$a.cubin" 2>"$work/ptxas_$a.log" \
            || { cat "$work/ptxas_$a.log"; echo "ptxas -arch=sm_$a failed"; return 1; }
        case $a in
            80) lower 80 gcl_kernels.ptx ;;
            75) lower 75 gcl_kernels_sm75.ptx ;;
        esac
    } >"$work/job_$a.log" 2>&1
}
# The slowest arches first; at most $GCL_KERNEL_JOBS at a time.
jobs_max=${GCL_KERNEL_JOBS:-$(nproc 2>/dev/null || echo 2)}
failed=()
running=0
for a in 90 100 120 80 89 86 75; do
    if (( running >= jobs_max )); then wait -n || failed+=(job); running=$((running - 1)); fi
    arch_job "$a" &
    running=$((running + 1))
done
while (( running > 0 )); do wait -n || failed+=(job); running=$((running - 1)); done
for a in "${CUBIN_ARCHS[@]}"; do cat "$work/job_$a.log" >>"$log"; done
if (( ${#failed[@]} > 0 )); then
    fall_back "the nvcc build failed ($(for a in "${CUBIN_ARCHS[@]}"; do tail -1 "$work/job_$a.log"; done | grep -E 'failed|rejects|no \.version' | head -1); log: $log)"
fi

fatbin_images=()
for a in "${CUBIN_ARCHS[@]}"; do
    [[ $a == "$FATBIN_PTX_ARCH" ]] && fatbin_images+=("--image3=kind=ptx,sm=$a,file=$work/compute_$a.ptx")
    fatbin_images+=("--image3=kind=elf,sm=$a,file=$work/sm_$a.cubin")
done
"$FATBINARY" --create="$work/gcl_kernels.fatbin" -64 --cmdline="-v  --fmad false " \
    --cicc-cmdline="-ftz=0 -prec_div=1 -prec_sqrt=1 -fmad=0 " -compress=false "${fatbin_images[@]}" >>"$log" 2>&1 \
    || fall_back "fatbinary failed (log: $log)"

# Registers, spills, static shared memory per kernel and architecture (ptxas -v) plus the dynamic shared memory a
# kernel's source declares on a "gcl-dynamic-shared-bytes BYTES KERNEL..." line, and the theoretical occupancy
# those give with the kernel's block size (its __launch_bounds__, the PTX's .maxntid): resident warps per SM, limited
# by 65,536 registers per SM (allocated per warp in units of 256), the SM's shared memory (1 KB reserved per block
# from CC 8.0 on), its resident blocks and its resident warps. Per arch (CUDA C++ Programming Guide, "Technical
# Specifications per Compute Capability"): warps per SM, blocks per SM, shared memory per SM, per block (opt-in
# maximum), reserved per block:
#     sm_75  (T4, RTX 20)         32 16  64 KB  64 KB 0
#     sm_80  (A100)               64 32 164 KB 163 KB 1 KB
#     sm_86  (A10, RTX 30)        48 16 100 KB  99 KB 1 KB
#     sm_89  (L4, L40, RTX 40)    48 24 100 KB  99 KB 1 KB
#     sm_90  (H100, H200)         64 32 228 KB 227 KB 1 KB
#     sm_100 (B200)               64 32 228 KB 227 KB 1 KB
#     sm_120 (RTX 50, RTX PRO)    48 24 100 KB  99 KB 1 KB
# Kernels whose sm_75 body is only a trap (the TF32 ones) are marked "trap only" there, without dynamic shared memory.
# A kernel asking for more shared memory than its arch allows a block fails the build, as a spill does.
grep -ho 'gcl-dynamic-shared-bytes [0-9]*\( [A-Za-z0-9_]*\)*' "$project"/kernels/*.cu >"$work/dynamic-shared.txt" || true
ptxas_logs=()
for a in "${CUBIN_ARCHS[@]}"; do ptxas_logs+=("$work/ptxas_$a.log"); done
awk '
    BEGIN {
        split("sm_75 32 16 65536 65536 0 sm_80 64 32 167936 166912 1024 sm_86 48 16 102400 101376 1024 " \
              "sm_89 48 24 102400 101376 1024 sm_90 64 32 233472 232448 1024 sm_100 64 32 233472 232448 1024 " \
              "sm_120 48 24 102400 101376 1024", t, " ")
        for (i = 1; i in t; i += 6) {
            maxWarps[t[i]] = t[i + 1]; maxBlocks[t[i]] = t[i + 2]; smemSM[t[i]] = t[i + 3];
            smemBlock[t[i]] = t[i + 4]; reserved[t[i]] = t[i + 5]
        }
    }
    FILENAME ~ /dynamic-shared/ { for (i = 3; i <= NF; i++) dynamic[$i] = $2; next }
    FILENAME ~ /compute_80\.ptx$/ && /\.entry/   { match($0, /entry [A-Za-z0-9_]+/); entry = substr($0, RSTART + 6, RLENGTH - 6); next }
    FILENAME ~ /compute_80\.ptx$/ && /\.maxntid/ { split($0, t, /[ ,]+/); threads[entry] = t[2] * t[3] * t[4]; next }
    FILENAME ~ /compute_80\.ptx$/ { next }
    # sm_75 PTX: which entries are only "trap; ret;" (instructions: lines ending in ";" that are not directives)
    FILENAME ~ /compute_75\.ptx$/ && /\.entry/ { match($0, /entry [A-Za-z0-9_]+/); e75 = substr($0, RSTART + 6, RLENGTH - 6);
                                               body = 0; other = 0; traps = 0; next }
    FILENAME ~ /compute_75\.ptx$/ && e75 != "" && /^\{/ { body = 1; next }
    FILENAME ~ /compute_75\.ptx$/ && e75 != "" && /^\}/ { if (traps > 0 && other == 0) trapOnly[e75] = 1; e75 = ""; body = 0; next }
    FILENAME ~ /compute_75\.ptx$/ && body { line = $0; gsub(/^[ \t]+|[ \t]+$/, "", line);
                                            if (line ~ /;$/ && line !~ /^(\.|\/\/)/) { if (line == "trap;") traps++; else if (line != "ret;") other++ }
                                            next }
    FILENAME ~ /compute_75\.ptx$/ { next }
    /Compiling entry function/ { match($0, /function .[A-Za-z0-9_]+./); name = substr($0, RSTART + 10, RLENGTH - 11);
                                 match($0, /for .sm_[0-9]+./); arch = substr($0, RSTART + 5, RLENGTH - 6) }
    /spill stores/             { split($0, a, " "); stack = a[1]; stores = a[5]; loads = a[9] }
    /Used [0-9]+ registers/    { match($0, /Used [0-9]+/); regs = substr($0, RSTART + 5, RLENGTH - 5);
                                 smem = 0; if (match($0, /[0-9]+ bytes smem/)) smem = substr($0, RSTART, RLENGTH - 11) + 0;
                                 trap = (arch == "sm_75" && (name in trapOnly));
                                 if ((name in dynamic) && !trap) smem += dynamic[name];
                                 occ = "?";
                                 if (trap) occ = "-  (trap only: no TF32 below CC 8.0)";
                                 else if (smem > smemBlock[arch]) { occ = sprintf("DOES NOT FIT: %d B of shared memory per block at most", smemBlock[arch]); toobig = 1 }
                                 else if (name in threads) {
                                     warps = int((threads[name] + 31) / 32);
                                     regsPerWarp = int((regs * 32 + 255) / 256) * 256;
                                     blocks = int(int(65536 / regsPerWarp) / warps);
                                     if (int(maxWarps[arch] / warps) < blocks) blocks = int(maxWarps[arch] / warps);
                                     if (blocks > maxBlocks[arch]) blocks = maxBlocks[arch];
                                     if (smem > 0 && int(smemSM[arch] / (smem + reserved[arch])) < blocks) blocks = int(smemSM[arch] / (smem + reserved[arch]));
                                     occ = sprintf("%3d%% (%d x %d threads)", 100 * blocks * warps / maxWarps[arch], blocks, threads[name]) }
                                 printf "%-35s %-6s %4s regs  stack %3s  spill stores %3s  spill loads %3s  smem %6d B  occupancy %s\n",
                                        name, arch, regs, stack, stores, loads, smem, occ;
                                 if (stores + loads > 0) spilled = 1 }
    END                        { exit spilled + 2 * toobig }
' "$work/dynamic-shared.txt" "$work/compute_80.ptx" "$work/compute_75.ptx" "${ptxas_logs[@]}" >"$work/summary.txt" \
    && verdict=0 || verdict=$?
# stable sort by kernel name: each kernel's arches stay in ascending order
sort -s -k1,1 "$work/summary.txt" >"$work/ptxas-summary.txt"
# a spill in a called function (the "Function properties" blocks) counts too
grep -qE '[1-9][0-9]* bytes spill (stores|loads)' "${ptxas_logs[@]}" && verdict=$((verdict | 1))
cat "$work/ptxas-summary.txt" >>"$log"
if (( verdict != 0 )); then
    cat "$work/ptxas-summary.txt"
    fall_back "$( ((verdict & 1)) && echo "a kernel spills registers" || echo "a kernel needs more shared memory than its arch gives a block") (table above; log: $log)"
fi

# Every image holds the same kernels.
entries_of() { grep -oE '^\.(visible )?\.?entry [A-Za-z0-9_]+' "$1" | awk '{print $NF}' | sort | tr '\n' ' ' | sed 's/ $//'; }
entries=$(entries_of "$work/gcl_kernels.ptx")
[[ $(entries_of "$work/gcl_kernels_sm75.ptx") == "$entries" && $(entries_of "$work/compute_$FATBIN_PTX_ARCH.ptx") == "$entries" ]] \
    || fall_back "the compute_75, compute_80 and compute_$FATBIN_PTX_ARCH PTX name different kernels"
fatbin_ptx_version=$(sed -nE 's/^\.version ([0-9]+\.[0-9]+)$/\1/p' "$work/compute_$FATBIN_PTX_ARCH.ptx" | head -1)

mkdir -p "$work/images"
cp "$work/gcl_kernels.fatbin" "$work/gcl_kernels.ptx" "$work/gcl_kernels_sm75.ptx" "$work/images/"
sha() { sha256sum "$work/images/$1" | cut -d' ' -f1; }
cat >"$work/images/$MANIFEST" <<PROPS
# written by native-build/build-kernels.sh; do not edit
sources.sha256=$sources
nvcc=$nvcc_release
flags=${FLAGS[*]}
entries=$entries
images=fatbin ptx ptx75
image.fatbin.file=gcl_kernels.fatbin
image.fatbin.sha256=$(sha gcl_kernels.fatbin)
image.fatbin.cubins=$(printf 'sm_%s ' "${CUBIN_ARCHS[@]}" | sed 's/ $//')
image.fatbin.ptx=compute_$FATBIN_PTX_ARCH
image.fatbin.ptx.version=$fatbin_ptx_version
image.fatbin.min.driver=$FATBIN_MIN_DRIVER
image.ptx.file=gcl_kernels.ptx
image.ptx.sha256=$(sha gcl_kernels.ptx)
image.ptx.target=sm_80
image.ptx.ptx.version=$PTX_VERSION
image.ptx.min.driver=$PTX_MIN_DRIVER
image.ptx75.file=gcl_kernels_sm75.ptx
image.ptx75.sha256=$(sha gcl_kernels_sm75.ptx)
image.ptx75.target=sm_75
image.ptx75.ptx.version=$PTX_VERSION
image.ptx75.min.driver=$PTX_MIN_DRIVER
tf32.min.cc=8.0
PROPS

echo "build-kernels: nvcc $nvcc_release, ${#CUBIN_ARCHS[@]} cubins + 3 PTX in $((SECONDS - started)) s ($jobs_max jobs):"
cat "$work/ptxas-summary.txt"
sizes="$(stat -c %s "$work/images/gcl_kernels.fatbin") bytes of fatbin, $(stat -c %s "$work/images/gcl_kernels.ptx") + $(stat -c %s "$work/images/gcl_kernels_sm75.ptx") bytes of PTX"
install_images "$work/images"
if [[ $mode == refresh ]]; then
    mkdir -p "$committed"
    for f in "${IMAGES[@]}" "$MANIFEST"; do cp "$work/images/$f" "$committed/$f"; done
    cp "$work/ptxas-summary.txt" "$committed/ptxas-summary.txt"
    echo "build-kernels: refreshed native-build/kernel-images/ ($sizes; sources sha256 ${sources:0:12}) and $out: commit native-build/kernel-images/"
elif [[ $state == current ]]; then
    same=yes
    for f in "${IMAGES[@]}" "$MANIFEST"; do cmp -s "$work/images/$f" "$committed/$f" || same=no; done
    if [[ $same == yes ]]; then
        echo "build-kernels: rebuilt with nvcc (GCL_KERNELS=rebuild): $sizes to $out, byte-equal to native-build/kernel-images/"
    else
        echo "build-kernels: rebuilt with nvcc (GCL_KERNELS=rebuild): $sizes to $out, NOT byte-equal to native-build/kernel-images/ (written by nvcc $(prop "$committed/$MANIFEST" nvcc))"
    fi
else
    echo "build-kernels: WARNING: native-build/kernel-images/ is $state (kernels/ or this script changed since it was written): built $sizes with nvcc into $out; refresh the committed images with: $REFRESH_COMMAND (then commit native-build/kernel-images/)"
fi
