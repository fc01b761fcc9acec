#!/usr/bin/env python3
"""Sweep throughput with --jobs 1 and --jobs auto, alternating, on small data (issue 19).

A sweep of 8 seeds of gcl-b (the paper's networks, B 64, 30 epochs, blas backend) on the 615 x 768 set of
small_batch.py (generated there when missing), once with `--jobs 1` (one run at a time on every core) and once
with `--jobs auto` (on 2 cores: two single-threaded runs at once), R times in alternation, each into a fresh
folder; wall time of the whole command. Prints each pair and the median throughput ratio auto / 1 (> 1: auto
faster), and checks that both sweeps wrote the same summary.csv when their thread counts agree (they do not
here: --jobs 1 runs on every core, auto on one each, and the blas backend's products may differ in the last bits
across thread counts, so the AUCs may differ slightly).

    mvn -q -DskipTests package                      # in the repository root: target/gcl.jar
    python3 benchmarks/sweep_jobs.py --rounds 1
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time


def sweep(gcl, data, out, jobs, seeds, epochs):
    t0 = time.perf_counter()
    r = subprocess.run([gcl, "sweep", "--data", data, "--variants", "gcl-b", "--seeds", seeds, "--batch", "64",
                        "--epochs", str(epochs), "--backend", "blas", "--jobs", jobs, "--out", out],
                       check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    choice = next((l for l in r.stdout.splitlines() if "at once" in l), "")
    return wall, choice


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--seeds", default="0-7")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--data", default=os.path.join(here, "target", "small-batch", "news615.npz"))
    ap.add_argument("--gcl", default=os.path.join(here, "..", "gcl"))
    a = ap.parse_args()
    if not os.path.exists(a.data):
        import small_batch  # numpy only for the data
        os.makedirs(os.path.dirname(a.data), exist_ok=True)
        small_batch.make_data(a.data, 615, 768)
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.rounds):
            one, c1 = sweep(a.gcl, a.data, f"{tmp}/one{r}", "1", a.seeds, a.epochs)
            auto, c2 = sweep(a.gcl, a.data, f"{tmp}/auto{r}", "auto", a.seeds, a.epochs)
            ratios.append(one / auto)
            print(f"round {r + 1}: --jobs 1 {one:.1f} s ({c1}); --jobs auto {auto:.1f} s ({c2}); "
                  f"throughput auto / 1 = {one / auto:.2f}", flush=True)
    print(f"median throughput ratio auto / 1: {statistics.median(ratios):.2f} "
          f"(rounds: {', '.join(f'{v:.2f}' for v in ratios)})")


if __name__ == "__main__":
    main()
