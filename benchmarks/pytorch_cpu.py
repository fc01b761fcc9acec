#!/usr/bin/env python3
"""GCL on PyTorch CPU and on gcl's fast backend, side by side, alternating, on the same data and weights.

The same gcl-b iteration (the paper's networks G [2048, 1024, 512, 256, 512, 1024, 2048], D [2048, 512, 32, 1],
B = 8192: G forward, pseudo-labels from G's reconstruction error, D forward + BCE + backward + RMSprop step, D
forward, labels from D, negative-learning targets (ones), G weighted-MSE + backward + RMSprop step) and D's score
of one 8192-row batch (under torch.inference_mode()) and of a single row. Each round runs ours (a fresh JVM:
benchmarks/target/benchmarks.jar, dev.gcl.bench.SideBySide) and then PyTorch, at the same thread count; the data
(x.f32) and initial weights (model/weights.npz, PyTorch parameter names) are written once by SideBySide prepare.

    mvn -q -DskipTests install && mvn -q -f benchmarks/pom.xml clean package     # in the repository root
    python3 benchmarks/pytorch_cpu.py --threads 2 --rounds 3 --pairs 40

With --pairs P it then times D's scoring paired: our JVM stays up (SideBySide serve) and the script alternates one
8192-row batch of ours with one of PyTorch's, P times (and 300 single rows each, P times); each pair gives one
ratio, and the median of the pair ratios is robust to load that comes and goes on a shared machine.

Needs python3-torch and python3-numpy (Debian). Prints each round and the median ratios ours / PyTorch.
"""
import argparse
import os
import statistics
import subprocess
import time

import machine  # noqa: E402  (this folder): lift the OpenBLAS pins before numpy/torch load

LIFTED = machine.lift_pins()

import numpy as np  # noqa: E402
import torch  # noqa: E402

from gcl_torch import ALPHA, EPS, LR, MOMENTUM, cooperative_step  # this folder: small_batch.py's iteration

DIM, BATCH, BATCHES = 2048, 8192, 4


def network(weights, prefix, dims, sigmoid):
    layers = []
    for l in range(len(dims) - 1):
        lin = torch.nn.Linear(dims[l], dims[l + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(weights[f"{prefix}.{2 * l}.weight"]))
            lin.bias.copy_(torch.from_numpy(weights[f"{prefix}.{2 * l}.bias"]))
        layers.append(lin)
        if l < len(dims) - 2:
            layers.append(torch.nn.ReLU())
    if sigmoid:
        layers.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


def torch_round(x, weights, threads):
    torch.set_num_threads(threads)
    g = network(weights, "G", [DIM, 1024, 512, 256, 512, 1024, DIM], False)
    d = network(weights, "D", [DIM, 512, 32, 1], True)
    opt_g = torch.optim.RMSprop(g.parameters(), lr=LR, alpha=ALPHA, eps=EPS, momentum=MOMENTUM)
    opt_d = torch.optim.RMSprop(d.parameters(), lr=LR, alpha=ALPHA, eps=EPS, momentum=MOMENTUM)
    bce = torch.nn.BCELoss()
    times = []
    for b in range(BATCHES):
        t0 = time.perf_counter()
        xb = x[b * BATCH:(b + 1) * BATCH]
        cooperative_step(g, d, opt_g, opt_d, bce, xb)
        times.append(time.perf_counter() - t0)
    it = statistics.median(times[1:])  # the first iteration is the warm-up, as on our side
    out = {"train_iteration_s": it, "train_segments_per_s": BATCH / it}

    d = network(weights, "D", [DIM, 512, 32, 1], True)
    with torch.inference_mode():
        xb = x[:BATCH]
        d(xb), d(xb)
        t0 = time.perf_counter()
        for _ in range(10):
            d(xb)
        out["dscore_batch_rows_per_s"] = 10 * BATCH / (time.perf_counter() - t0)
        row = x[:1].clone()
        for _ in range(1000):
            d(row)
        t0 = time.perf_counter()
        for _ in range(3000):
            d(row)
        out["dscore_single_row_us"] = (time.perf_counter() - t0) / 3000 * 1e6
    return out


def ours_round(java, jar, work, threads, backend):
    cmd = [java, "-Xmx6g", "-cp", jar, "dev.gcl.bench.SideBySide", "time", work, str(threads), backend]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return {l.split()[1]: float(l.split()[2]) for l in text.splitlines() if l.startswith("RESULT ")}


def paired_scoring(java, jar, work, threads, x, weights, pairs, scorer="fast"):
    """Median ratios of P alternating (ours, PyTorch) pairs: one 8192-row batch each, then 300 single rows each."""
    torch.set_num_threads(threads)
    d = network(weights, "D", [DIM, 512, 32, 1], True)
    xb, row = x[:BATCH], x[:1].clone()
    server = subprocess.Popen([java, "-Xmx6g", "-cp", jar, "dev.gcl.bench.SideBySide", "serve", work, str(threads),
                               scorer],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "READY"

        def ours(request):
            server.stdin.write(request + "\n")
            server.stdin.flush()
            return int(server.stdout.readline().split()[1]) / 1e9

        with torch.inference_mode():
            for _ in range(3):
                d(xb)
            for _ in range(1000):
                d(row)
            batch, rows = [], []
            for _ in range(pairs):
                o = ours("batch")
                t0 = time.perf_counter()
                d(xb)
                batch.append((o, time.perf_counter() - t0))
                o = ours("rows 300")
                t0 = time.perf_counter()
                for _ in range(300):
                    d(row)
                rows.append((o, time.perf_counter() - t0))
        server.stdin.write("quit\n")
        server.stdin.flush()
    finally:
        server.wait(timeout=60)
    print(f"paired D-score, {pairs} alternating pairs, {threads} threads, our scorer {scorer}:")
    b_ratio = statistics.median(t / o for o, t in batch)  # rows/s ours / PyTorch = time PyTorch / time ours
    print(f"  dscore_batch_rows_per_s: ours {BATCH / statistics.median(o for o, _ in batch):.4g} "
          f"torch {BATCH / statistics.median(t for _, t in batch):.4g}; median pair ratio ours / PyTorch "
          f"{b_ratio:.3f} (quartiles {' '.join(f'{q:.3f}' for q in statistics.quantiles([t / o for o, t in batch]))})")
    r_ratio = statistics.median(o / t for o, t in rows)
    print(f"  dscore_single_row_us: ours {statistics.median(o for o, _ in rows) / 300 * 1e6:.4g} "
          f"torch {statistics.median(t for _, t in rows) / 300 * 1e6:.4g}; median pair ratio ours / PyTorch "
          f"{r_ratio:.3f} (quartiles {' '.join(f'{q:.3f}' for q in statistics.quantiles([o / t for o, t in rows]))})")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(here, "target", "side-by-side"))
    ap.add_argument("--jar", default=os.path.join(here, "target", "benchmarks.jar"))
    ap.add_argument("--java", default="java")
    ap.add_argument("--backend", default="blas", help="ours: blas (default) or reference")
    ap.add_argument("--pairs", type=int, default=0, help="then P paired scoring comparisons")
    ap.add_argument("--scorer", default="fast", help="our scorer in the pairs: fast (default), blas, java, reference")
    a = ap.parse_args()
    machine.report(a.threads, LIFTED)  # kernels of both sides, the machine's sgemm, the load
    if not os.path.exists(os.path.join(a.work, "x.f32")):
        subprocess.run([a.java, "-Xmx6g", "-cp", a.jar, "dev.gcl.bench.SideBySide", "prepare", a.work], check=True)
    x = torch.from_numpy(np.fromfile(os.path.join(a.work, "x.f32"), dtype="<f4").reshape(-1, DIM))
    weights = dict(np.load(os.path.join(a.work, "model", "weights.npz")))
    print(f"torch {torch.__version__}, {a.threads} threads, ours: {a.backend}; {a.rounds} alternating rounds")
    keys = ["train_segments_per_s", "dscore_batch_rows_per_s", "dscore_single_row_us"]
    ratios = {k: [] for k in keys}
    for r in range(a.rounds):
        ours = ours_round(a.java, a.jar, a.work, a.threads, a.backend)
        theirs = torch_round(x, weights, a.threads)
        for k in keys:
            ratios[k].append(ours[k] / theirs[k])
        print(f"round {r + 1}: " + "; ".join(f"{k} ours {ours[k]:.4g} torch {theirs[k]:.4g} ratio {ours[k] / theirs[k]:.3f}"
                                            for k in keys), flush=True)
    if a.rounds > 0:
        print("median ratios ours / PyTorch (> 1 is faster for throughputs, < 1 is faster for latency):")
    for k in keys if a.rounds > 0 else []:
        print(f"  {k}: {statistics.median(ratios[k]):.3f}  (rounds: {', '.join(f'{v:.3f}' for v in ratios[k])})")
    if a.pairs > 0:
        paired_scoring(a.java, a.jar, a.work, a.threads, x, weights, a.pairs, a.scorer)


if __name__ == "__main__":
    main()
