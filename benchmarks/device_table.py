#!/usr/bin/env python3
"""The device run's ratio table (run by the device bundle's run.sh): reads MEASURE lines from the files given
(dev.gcl.bench.DeviceCheck gemm/bench and benchmarks/torch_gcl_iteration.py) and prints one markdown table.

  MEASURE <impl> <precision> <fwd|bwd> <rows>x<in>-><out> <TFLOP/s>
  MEASURE <impl> <precision> iteration <label> <ms>

GEMM rows: TFLOP/s of each of our kernel families (FP32: tile64, big, the default plan; TF32: tile64, big, the
default plan) and of torch.matmul, and ours (the default plan) over torch in the same precision. Iteration rows: milliseconds, and torch's time over ours (> 1: ours faster).
The FP32 peak used for '% of peak' is the H200's 67 TFLOP/s.
"""
import sys

PEAK_FP32 = 67.0


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
    print("| product | shape | tile64 fp32 | big fp32 | default fp32 | torch fp32 | ours/torch fp32 | % of 67 | "
          "tile64 tf32 | big tf32 | default tf32 | torch tf32 | ours/torch tf32 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for what, shape in shapes:
        g = lambda impl, prec: m.get((impl, prec, what, shape))
        ours = g("ours-default", "fp32")
        print(f"| {what} | {shape} | {fmt(g('ours-tile64', 'fp32'))} | {fmt(g('ours-big', 'fp32'))} | {fmt(ours)} | "
              f"{fmt(g('torch', 'fp32'))} | {ratio(ours, g('torch', 'fp32'))} | "
              f"{'-' if ours is None else f'{100 * ours / PEAK_FP32:.0f}%'} | "
              f"{fmt(g('ours-tf32-tile64', 'tf32'))} | {fmt(g('ours-tf32-big', 'tf32'))} | {fmt(g('ours-tf32', 'tf32'))} | "
              f"{fmt(g('torch', 'tf32'))} | {ratio(g('ours-tf32', 'tf32'), g('torch', 'tf32'))} |")
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
