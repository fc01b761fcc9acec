#!/usr/bin/env python3
"""The device run's ratio table (run by the device bundle's run.sh): reads MEASURE lines from the files given
(dev.gcl.bench.DeviceCheck gemm/bench and benchmarks/torch_gcl_iteration.py) and prints one markdown table.

  MEASURE <impl> <precision> <fwd|bwd> <rows>x<in>-><out> <TFLOP/s>
  MEASURE <impl> bw <op> <shape> <GB/s>
  MEASURE <impl> <precision> iteration <label> <ms>

GEMM rows: TFLOP/s of each of our kernel families (FP32: tile64, 128x64, big, the default plan; TF32: tile64, big,
the default plan) and of torch.matmul, ours (the default plan) over torch in the same precision, and the share of
the H200's dense peaks (67 TFLOP/s FP32, about 495 TFLOP/s TF32) that ours and torch reach. Bandwidth rows (the
memory-bound kernels, dev.gcl.backend.cuda.MemoryKernelBench, and torch's equivalents): GB/s and the share of the
H200's 4.8 TB/s. Iteration rows: milliseconds, and torch's time over ours (> 1: ours faster).
"""
import sys

PEAK_FP32 = 67.0     # TFLOP/s, H200 SXM, dense FP32
PEAK_TF32 = 495.0    # TFLOP/s, H200 SXM, dense TF32 tensor cores (989 with 2:4 sparsity)
PEAK_BW = 4800.0     # GB/s, H200 HBM3e


def read(paths):
    m = {}
    for path in paths:
        try:
            lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) == 6 and parts[0] == "MEASURE":
                try:
                    m[(parts[1], parts[2], parts[3], parts[4])] = float(parts[5])
                except ValueError:
                    pass
    return m


def fmt(v):
    return "-" if v is None else f"{v:.2f}"


def share(v, peak):
    return "-" if v is None else f"{100 * v / peak:.0f}%"


def ratio(a, b):
    return "-" if a is None or b is None or b == 0 else f"{a / b:.2f}x"


def main(paths):
    m = read(paths)
    if not m:
        print("no measurements (no GPU, or the benchmarks did not run)")
        return 0
    shapes = []
    for (impl, prec, what, shape) in m:
        if what in ("fwd", "bwd") and (what, shape) not in shapes:
            shapes.append((what, shape))
    print("| product | shape | tile64 fp32 | 128x64 fp32 | big fp32 | default fp32 | torch fp32 | ours/torch fp32 | "
          "ours % of 67 | torch % of 67 | tile64 tf32 | big tf32 | default tf32 | torch tf32 | ours/torch tf32 | "
          "ours % of 495 | torch % of 495 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for what, shape in shapes:
        g = lambda impl, prec: m.get((impl, prec, what, shape))
        ours, torch32 = g("ours-default", "fp32"), g("torch", "fp32")
        ours_tf32, torch_tf32 = g("ours-tf32", "tf32"), g("torch", "tf32")
        print(f"| {what} | {shape} | {fmt(g('ours-tile64', 'fp32'))} | {fmt(g('ours-tile128x64', 'fp32'))} | "
              f"{fmt(g('ours-big', 'fp32'))} | {fmt(ours)} | {fmt(torch32)} | {ratio(ours, torch32)} | "
              f"{share(ours, PEAK_FP32)} | {share(torch32, PEAK_FP32)} | "
              f"{fmt(g('ours-tf32-tile64', 'tf32'))} | {fmt(g('ours-tf32-big', 'tf32'))} | {fmt(ours_tf32)} | "
              f"{fmt(torch_tf32)} | {ratio(ours_tf32, torch_tf32)} | {share(ours_tf32, PEAK_TF32)} | "
              f"{share(torch_tf32, PEAK_TF32)} |")
    ops = []
    for (impl, prec, what, shape) in m:
        if prec == "bw" and (what, shape) not in ops:
            ops.append((what, shape))
    if ops:
        print()
        print("| memory-bound op | shape | ours GB/s | ours % of 4.8 TB/s | torch GB/s | torch % of 4.8 TB/s | ours/torch |")
        print("|---|---|---|---|---|---|---|")
        for what, shape in ops:
            ours, torch = m.get(("ours", "bw", what, shape)), m.get(("torch", "bw", what, shape))
            print(f"| {what} | {shape} | {fmt(ours)} | {share(ours, PEAK_BW)} | {fmt(torch)} | "
                  f"{share(torch, PEAK_BW)} | {ratio(ours, torch)} |")
    labels = sorted({shape for (impl, prec, what, shape) in m if what == "iteration"})
    if labels:
        print()
        print("| gcl-b iteration | ours fp32 ms | torch fp32 ms | torch/ours fp32 | ours tf32 ms | torch tf32 ms | "
              "torch/ours tf32 |")
        print("|---|---|---|---|---|---|---|")
        for label in labels:
            g = lambda impl, prec: m.get((impl, prec, "iteration", label))
            print(f"| {label} | {fmt(g('ours', 'fp32'))} | {fmt(g('torch', 'fp32'))} | "
                  f"{ratio(g('torch', 'fp32'), g('ours', 'fp32'))} | {fmt(g('ours', 'tf32'))} | "
                  f"{fmt(g('torch', 'tf32'))} | {ratio(g('torch', 'tf32'), g('ours', 'tf32'))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
