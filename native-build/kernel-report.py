#!/usr/bin/env python3
"""Static cost table of the GEMM kernels, from their machine code: what can be known about them without a GPU.

    python3 native-build/kernel-report.py [--kernels DIR] [--cuobjdump PATH] [--markdown]

For sm_80 and sm_90 it compiles kernels/*.cu as build-kernels.sh does (one translation unit, -std=c++17
-fmad=false, nvcc 13 and its ptxas), then, per GEMM kernel:
  - registers and shared memory (static from ptxas -v, plus the dynamic shared memory a source declares on a
    "gcl-dynamic-shared-bytes BYTES KERNEL..." line), threads per block (the PTX's .maxntid, from __launch_bounds__)
    and the theoretical occupancy those give (build-kernels.sh's rule: 65,536 registers in 256-register units per
    warp, 164 KB (sm_80) / 228 KB (sm_90) of shared memory with 1 KB reserved per block, 64 warps, 32 blocks);
  - the SASS of its main loop (cuobjdump -sass): the backward branch whose body holds the most HMMA (tensor-core
    kernels) or FFMA (FP32 kernels), innermost on ties; counted there: HMMA, FFMA, shared loads LDS (by width),
    LDSM (ldmatrix), shared stores STS, cp.async LDGSTS, global loads LDG, barriers BAR, tf32 conversions
    (cvt.rna.tf32.f32 is FSETP.GEU |x|, +INF plus a predicated IADD in SASS: the FSETPs are counted), all
    instructions; then per mma (or per 16 FFMA, one 4x4 thread tile per k) the shared loads and the shared
    wavefronts: bytes one warp instruction moves / 128 (LDS.32 = 1, .64 = 2, .128 = 4; LDSM.x1/.x2/.x4 = 1/2/4;
    STS likewise; LDGSTS writes .128 = 4, else 1; where a loop has 16-byte LDGSTS, only those: the 4-byte
    fallback beside them runs for misaligned operands only), i.e. without bank conflicts and without broadcast
    merging.
    Never-executed padding (@!PT) is skipped.

cuobjdump: CUDA 13's when on the PATH. Otherwise pass an older one with --cuobjdump (CUDA 11.8's from Debian's
non-free nvidia-cuda-toolkit reads the instructions of sm_80 and sm_90 but not CUDA 13's ELF header: this script
then hands it a copy of each cubin with the header rewritten to the old ABI (ELF ABI version 7, e_flags = sm |
sm << 16 | 0x500); the instruction words are untouched, so the disassembly is that of nvcc 13's code).
Static counts: how often an instruction runs is not shown; the loop body is the steady state of each k slice.
"""
import argparse
import collections
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

ARCHS = ("sm_80", "sm_90")
# the GEMM families and the entry points that carry them (their split variants share the tile code)
FAMILIES = [
    ("dense.cu", ["dense_forward", "dense_backward_input", "dense_backward_weight"]),
    ("dense_big.cu 128x128", ["dense_forward_big", "dense_backward_input_big", "dense_backward_weight_big",
                              "dense_backward_weight_split128"]),
    ("dense_big.cu 128x64", ["dense_forward_tile128x64", "dense_backward_input_tile128x64",
                             "dense_backward_weight_tile128x64"]),
    ("dense_big.cu split64", ["dense_backward_weight_split64"]),
    ("dense_tf32.cu", ["dense_forward_tf32", "dense_backward_input_tf32", "dense_backward_weight_tf32",
                       "dense_backward_weight_tf32_split64"]),
    ("dense_tf32_big.cu", ["dense_forward_tf32_big", "dense_backward_input_tf32_big",
                           "dense_backward_weight_tf32_big", "dense_backward_weight_tf32_split128"]),
]
SMEM_PER_SM = {"sm_80": 167936, "sm_90": 233472}


def occupancy(regs, smem, threads, arch):
    warps = (threads + 31) // 32
    per_warp = (regs * 32 + 255) // 256 * 256
    blocks = min(65536 // per_warp // warps, 64 // warps, 32)
    if smem > 0:
        blocks = min(blocks, SMEM_PER_SM[arch] // (smem + 1024))
    return blocks, 100 * blocks * warps // 64


def dynamic_shared(kernels):
    """Dynamic shared memory per kernel, from the sources' "gcl-dynamic-shared-bytes BYTES KERNEL..." lines."""
    sizes = {}
    for name in sorted(os.listdir(kernels)):
        if name.endswith(".cu"):
            for m in re.finditer(r"gcl-dynamic-shared-bytes (\d+)((?: \w+)+)", open(os.path.join(kernels, name)).read()):
                for entry in m.group(2).split():
                    sizes[entry] = int(m.group(1))
    return sizes


def compile_arch(kernels, arch, work):
    unity = os.path.join(work, "gcl_kernels.cu")
    with open(unity, "w") as f:
        for name in sorted(os.listdir(kernels)):
            if name.endswith(".cu"):
                f.write('#include "%s"\n' % os.path.join(kernels, name))
    cubin = os.path.join(work, arch + ".cubin")
    ptx = os.path.join(work, arch + ".ptx")
    common = ["-std=c++17", "-fmad=false", "-I" + kernels]
    log = subprocess.run(["nvcc", "-cubin", *common, "-arch=" + arch, "-Xptxas", "-v", unity, "-o", cubin],
                         capture_output=True, text=True, check=True).stderr
    subprocess.run(["nvcc", "-ptx", *common, "-arch=" + arch.replace("sm_", "compute_"), unity, "-o", ptx],
                   check=True)
    resources = {}
    name = None
    for line in log.splitlines():
        m = re.search(r"Compiling entry function '(\w+)'", line)
        if m:
            name = m.group(1)
        m = re.search(r"Used (\d+) registers", line)
        if m and name:
            s = re.search(r"(\d+) bytes smem", line)
            resources[name] = (int(m.group(1)), int(s.group(1)) if s else 0)
    threads = {}
    entry = None
    for line in open(ptx):
        m = re.search(r"\.entry (\w+)", line)
        if m:
            entry = m.group(1)
        m = re.search(r"\.maxntid (\d+), (\d+), (\d+)", line)
        if m and entry:
            threads[entry] = int(m.group(1)) * int(m.group(2)) * int(m.group(3))
    return cubin, resources, threads


def old_abi_copy(cubin, arch, work):
    """The cubin with CUDA 13's ELF header rewritten to the ABI older cuobjdumps read (instructions unchanged)."""
    data = bytearray(open(cubin, "rb").read())
    sm = int(arch[3:])
    data[8] = 7
    struct.pack_into("<I", data, 0x30, sm | (sm << 16) | 0x500)
    out = os.path.join(work, arch + ".oldabi.cubin")
    open(out, "wb").write(data)
    return out


def sass_functions(cuobjdump, cubin, arch, work):
    text = subprocess.run([cuobjdump, "-sass", cubin], capture_output=True, text=True).stdout
    if "Function :" not in text:
        text = subprocess.run([cuobjdump, "-sass", old_abi_copy(cubin, arch, work)], capture_output=True,
                              text=True, check=True).stdout
    functions = collections.defaultdict(list)
    name = None
    for line in text.splitlines():
        m = re.search(r"Function : (\w+)", line)
        if m:
            name = m.group(1)
            continue
        m = re.match(r"\s+/\*([0-9a-f]{4,})\*/\s+(.*?);", line)
        if m and name:
            instr = m.group(2).strip()
            if instr.startswith("@!PT "):
                continue
            functions[name].append((int(m.group(1), 16), instr))
    return functions


def opcode(instr):
    parts = instr.split()
    return parts[1] if parts[0].startswith("@") else parts[0]


def main_loop(code, key):
    """The body of the backward branch holding the most `key` instructions (innermost on ties)."""
    best = None
    for addr, instr in code:
        op = opcode(instr)
        if not op.startswith("BRA"):
            continue
        m = re.search(r"0x([0-9a-f]+)", instr)
        if not m:
            continue
        target = int(m.group(1), 16)
        if target > addr:
            continue
        body = [i for a, i in code if target <= a <= addr]
        n = sum(1 for i in body if opcode(i).split(".")[0] == key)
        if n and (best is None or n > best[0] or (n == best[0] and len(body) < len(best[1]))):
            best = (n, body)
    return best[1] if best else []


def wavefronts(op):
    base = op.split(".")[0]
    if base == "LDSM":  # LDSM.16.M88.4 (cuobjdump) = ldmatrix .x4
        return 4 if (".X4" in op or ".M88.4" in op) else 2 if (".X2" in op or ".M88.2" in op) else 1
    if base in ("LDS", "STS"):
        return 4 if ".128" in op else 2 if ".64" in op else 1
    if base == "LDGSTS":
        return 4 if ".128" in op else 1
    return 0


def loop_counts(body):
    c = collections.Counter()
    for instr in body:
        op = opcode(instr)
        base = op.split(".")[0]
        c["all"] += 1
        if base in ("LDS", "LDSM", "STS", "LDGSTS", "LDG", "HMMA", "FFMA", "BAR"):
            c[base] += 1
        if base == "LDS":
            c["LDS." + ("128" if ".128" in op else "64" if ".64" in op else "32")] += 1
        # cvt.rna.tf32.f32 becomes FSETP.GEU |x|, +INF (finite?) then a predicated IADD of the rounding bias
        if base == "FSETP" and "+INF" in instr:
            c["cvt"] += 1
        c["lds_wave"] += wavefronts(op) if base in ("LDS", "LDSM") else 0
        c["sts_wave"] += wavefronts(op) if base == "STS" else 0
        c["ldgsts_wave"] += wavefronts(op) if base == "LDGSTS" else 0
        c["ldgsts_wave_128"] += wavefronts(op) if base == "LDGSTS" and ".128" in op else 0
    # a loop with 16-byte cp.async also holds the 4-byte fallback for misaligned operands, which aligned buffers
    # (every GPU allocation, strides a multiple of 4 floats) never run: count the 16-byte path's stores only
    c["sts_wave"] += c["ldgsts_wave_128"] if c["ldgsts_wave_128"] else c["ldgsts_wave"]
    return c


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kernels", default=os.path.join(here, "..", "kernels"))
    p.add_argument("--cuobjdump", default=shutil.which("cuobjdump"))
    p.add_argument("--markdown", action="store_true", help="one markdown table, a row per kernel and architecture")
    p.add_argument("--families", action="store_true",
                   help="one markdown table, a row per GEMM family and architecture (docs/gpu-kernels.md): register "
                        "and occupancy ranges over the family, the loop counts of its forward kernel")
    args = p.parse_args()
    if not args.cuobjdump:
        sys.exit("kernel-report: no cuobjdump (pass --cuobjdump PATH; see the header of this script)")
    kernels = os.path.abspath(args.kernels)
    rows = []
    with tempfile.TemporaryDirectory(prefix="gcl-kernel-report.") as work:
        for arch in ARCHS:
            cubin, resources, threads = compile_arch(kernels, arch, work)
            sass = sass_functions(args.cuobjdump, cubin, arch, work)
            dynamic = dynamic_shared(kernels)
            for family, entries in FAMILIES:
                for entry in entries:
                    if entry not in resources:
                        continue
                    regs, smem = resources[entry]
                    smem += dynamic.get(entry, 0)  # static (ptxas) + dynamic (the source's declaration)
                    blocks, occ = occupancy(regs, smem, threads.get(entry, 0), arch)
                    tensor = "tf32" in entry
                    body = main_loop(sass.get(entry, []), "HMMA" if tensor else "FFMA")
                    c = loop_counts(body)
                    unit = c["HMMA"] if tensor else c["FFMA"] / 16.0
                    per = (lambda v: "%.2f" % (v / unit)) if unit else (lambda v: "-")
                    rows.append((family, entry, arch, regs, smem, "%d%% (%d x %d)" % (occ, blocks, threads.get(entry, 0)),
                                 "mma" if tensor else "16 FFMA", int(unit) if tensor else unit,
                                 c["all"], per(c["all"]), per(c["LDS"] + c["LDSM"]), per(c["lds_wave"]),
                                 per(c["sts_wave"]), per(c["cvt"]), c["BAR"],
                                 "LDS.32/64/128 %d/%d/%d LDSM %d STS %d LDGSTS %d LDG %d" % (
                                     c["LDS.32"], c["LDS.64"], c["LDS.128"], c["LDSM"], c["STS"], c["LDGSTS"],
                                     c["LDG"])))
    header = ("file", "kernel", "arch", "regs", "smem B", "occupancy", "unit", "units/loop", "instr/loop",
              "instr/unit", "shared loads/unit", "load wavefronts/unit", "store wavefronts/unit", "cvt/unit",
              "BAR/loop", "loop memory ops")
    if args.families:
        print("| file | arch | registers | shared B | occupancy | per | instructions | shared loads | load wavefronts "
              "| store wavefronts | tf32 cvt | barriers per loop |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for arch in ARCHS:
            for family, entries in FAMILIES:
                mine = [r for r in rows if r[0] == family and r[2] == arch]
                if not mine:
                    continue
                regs = sorted(r[3] for r in mine)
                occ = sorted({r[5].split()[0] for r in mine}, key=lambda v: int(v[:-1]))
                smem = sorted({r[4] for r in mine})
                lead = mine[0]  # the forward kernel
                span = lambda v: str(v[0]) if v[0] == v[-1] else "%s-%s" % (v[0], v[-1])
                print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    family, arch, span(regs), span(smem), span(occ), lead[6], lead[9], lead[10], lead[11], lead[12],
                    lead[13], lead[14]))
    elif args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for r in rows:
            print("| " + " | ".join(str(x) for x in r) + " |")
    else:
        for r in rows:
            print("  ".join(str(x) for x in r))


if __name__ == "__main__":
    main()
