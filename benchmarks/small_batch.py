#!/usr/bin/env python3
"""A single small-batch run, ours beside PyTorch CPU, alternating, on the same data and thread count.

The sweep-size case of issue 19: gcl-b with the paper's networks (G [D, 1024, 512, 256, 512, 1024, D],
D [D, 512, 32, 1]), RMSprop (lr 2e-5, alpha 0.99, eps 1e-8, momentum 0.6), B = 64, every epoch a fresh shuffle,
the last batch of fewer than 2 rows skipped, on an .npz with X (rows x D float32) and y, by default 615 x 768
(generated here when missing: the shape of 20news BERT embeddings). Each round runs ours (`gcl train --backend blas
--threads T`, a fresh JVM; the training time is run.json's `seconds`) and then the same loop in PyTorch
(eager, torch.set_num_threads(T), timed around the epochs only). Ratios are PyTorch's / ours (> 1: ours faster),
of training wall time, and of CPU time: our whole command's (JVM start, JIT, loading, per-epoch evaluation and
writing included) against PyTorch's training loop alone; CPU time moves less than wall time on a shared machine.
With --steady each round also runs both sides for one epoch and compares the CPU time of epochs 2..E (the
difference), where start-up, JIT warm-up, loading, evaluation and writing cancel out.

    mvn -q -DskipTests package                              # in the repository root: src/tool/target/gcl.jar
    /usr/bin/python3 benchmarks/small_batch.py --threads 1 --rounds 3

Written from docs/algorithm.md (the cooperative step), not from the Java code. Needs python3-torch, python3-numpy.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time

import sys

import machine  # noqa: E402  (this folder): lift the OpenBLAS pins before numpy/torch load

LIFTED = machine.lift_pins()

# Debian's PyTorch multiplies through OpenBLAS, whose pool is sized by the environment at load time, not by
# torch.set_num_threads: without this a "1-thread" PyTorch runs its products on every core.
if "--threads" in sys.argv[:-1] and "OPENBLAS_NUM_THREADS" not in os.environ:
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[sys.argv.index("--threads") + 1]

import numpy as np  # noqa: E402
import torch  # noqa: E402

from gcl_torch import cooperative_step, models  # noqa: E402  (this folder)


def make_data(path, rows, dim, seed=0):
    r = np.random.default_rng(seed)
    y = (r.random(rows) < 0.1).astype(np.int64)
    x = r.normal(0, 1, (rows, dim)).astype(np.float32)
    x[y == 1] += 0.5 * r.normal(0, 1, (1, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    np.savez(path, X=x, y=y)


def torch_run(x, batch, epochs, threads, seed=0):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    dim = x.shape[1]
    g, d, opt_g, opt_d = models(dim)
    bce = torch.nn.BCELoss()
    n = x.shape[0]
    c0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n)
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            if idx.numel() < 2:
                break
            cooperative_step(g, d, opt_g, opt_d, bce, x[idx])
    return time.perf_counter() - t0, time.process_time() - c0


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def ours_run(gcl, data, batch, epochs, threads):
    with tempfile.TemporaryDirectory() as out:
        c0 = children_cpu()
        t0 = time.perf_counter()
        subprocess.run([gcl, "train", "--data", data, "--variant", "gcl-b", "--batch", str(batch), "--epochs",
                        str(epochs), "--backend", "blas", "--threads", str(threads), "--out", out + "/run"],
                       check=True, capture_output=True,
                       env={k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"})  # PyTorch's only
        wall = time.perf_counter() - t0
        cpu = children_cpu() - c0
        with open(os.path.join(out, "run", "run.json")) as f:
            return json.load(f)["seconds"], wall, cpu


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1, help="threads of both sides")
    ap.add_argument("--gcl-threads", type=int, help="gcl's threads when they differ from PyTorch's (--threads)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--data", default=os.path.join(here, "target", "small-batch", "news615.npz"))
    ap.add_argument("--gcl", default=os.path.join(here, "..", "gcl"))
    ap.add_argument("--torch-only", action="store_true", help="time PyTorch alone (no JVM)")
    ap.add_argument("--steady", action="store_true", help="also the CPU time of epochs 2..E (a 1-epoch run of each"
                    " side subtracted)")
    a = ap.parse_args()
    if not os.path.exists(a.data):
        os.makedirs(os.path.dirname(a.data), exist_ok=True)
        make_data(a.data, 615, 768)
    x = torch.from_numpy(np.load(a.data)["X"])
    torch.set_num_threads(a.threads)
    machine.report(a.threads, LIFTED)
    gcl_threads = a.gcl_threads or a.threads
    print(f"gcl {gcl_threads} threads; torch {torch.__version__}, {a.threads} threads, {x.shape[0]} x {x.shape[1]}, B {a.batch}, "
          f"{a.epochs} epochs; {a.rounds} alternating rounds")
    ratios, cpu_ratios, steady = [], [], []
    for r in range(a.rounds):
        ours, wall, cpu = ((float("nan"),) * 3 if a.torch_only
                           else ours_run(a.gcl, a.data, a.batch, a.epochs, gcl_threads))
        theirs, theirs_cpu = torch_run(x, a.batch, a.epochs, a.threads)
        ratios.append(theirs / ours)
        cpu_ratios.append(theirs_cpu / cpu)
        line = (f"round {r + 1}: training s ours {ours:.2f} torch {theirs:.2f}, ratio torch / ours {theirs / ours:.3f};"
                f" CPU s ours (whole command) {cpu:.2f} torch (training loop) {theirs_cpu:.2f}, ratio "
                f"{theirs_cpu / cpu:.3f}; our command {wall:.2f} s wall")
        if a.steady and not a.torch_only:
            # CPU of epochs 2..E: the same command with 1 epoch subtracted on both sides (start, JIT, loading,
            # evaluation and writing cancel out)
            _, _, cpu1 = ours_run(a.gcl, a.data, a.batch, 1, gcl_threads)
            _, theirs_cpu1 = torch_run(x, a.batch, 1, a.threads)
            steady.append((theirs_cpu - theirs_cpu1) / (cpu - cpu1))
            line += (f"; CPU s of epochs 2-{a.epochs}: ours {cpu - cpu1:.2f} torch {theirs_cpu - theirs_cpu1:.2f},"
                     f" ratio {steady[-1]:.3f}")
        print(line, flush=True)
    if not a.torch_only:
        print(f"median ratio torch / ours: training time {statistics.median(ratios):.3f} "
              f"(rounds: {', '.join(f'{v:.3f}' for v in ratios)}); CPU time {statistics.median(cpu_ratios):.3f} "
              f"(rounds: {', '.join(f'{v:.3f}' for v in cpu_ratios)})"
              + (f"; CPU time of epochs 2-{a.epochs} {statistics.median(steady):.3f} "
                 f"(rounds: {', '.join(f'{v:.3f}' for v in steady)})" if steady else ""))


if __name__ == "__main__":
    main()
