#!/usr/bin/env python3
"""Sweep throughput with --jobs 1 and --jobs auto, alternating, on small data (issue 19).

A sweep of 8 seeds of gcl-b (the paper's networks, B 64, --epochs E, blas backend) on the 615 x 768 set of
small_batch.py (generated there when missing), three ways, in alternation, each into a fresh folder: `--jobs 1`
(the default: one run at a time on every core), `--jobs 1 --threads 1` (one at a time on one core), and
`--jobs auto` (on 2 cores: two single-threaded runs at once). Wall time of the whole command; prints each round
and the median throughput ratios of auto against the other two (> 1: auto faster). auto's summary.csv equals the
`--threads 1` sweep's (same thread count per run: identical runs), which the script checks.

    mvn -q -DskipTests package                      # in the repository root: src/tool/target/gcl.jar
    python3 benchmarks/sweep_jobs.py --rounds 1 --epochs 5
"""
import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time

import machine  # this folder: gcl's runs get the OpenBLAS kernels a user's machine gets

LIFTED = machine.lift_pins()


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def sweep(gcl, data, out, jobs, seeds, epochs, more=()):
    c0 = children_cpu()
    t0 = time.perf_counter()
    r = subprocess.run([gcl, "sweep", "--data", data, "--variants", "gcl-b", "--seeds", seeds, "--batch", "64",
                        "--epochs", str(epochs), "--backend", "blas", "--jobs", jobs, "--out", out, *more],
                       check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    cpu = children_cpu() - c0
    choice = next((l for l in r.stdout.splitlines() if "at once" in l), "")
    return wall, f"{cpu:.1f} CPU s; {choice}"


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
    vs_all, vs_one = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.rounds):
            every, c1 = sweep(a.gcl, a.data, f"{tmp}/every{r}", "1", a.seeds, a.epochs)
            one, c2 = sweep(a.gcl, a.data, f"{tmp}/one{r}", "1", a.seeds, a.epochs, ("--threads", "1"))
            auto, c3 = sweep(a.gcl, a.data, f"{tmp}/auto{r}", "auto", a.seeds, a.epochs)
            with open(f"{tmp}/one{r}/summary.csv") as f1, open(f"{tmp}/auto{r}/summary.csv") as f2:
                same = f1.read() == f2.read()
            vs_all.append(every / auto)
            vs_one.append(one / auto)
            print(f"round {r + 1}: --jobs 1 {every:.1f} s ({c1}); --jobs 1 --threads 1 {one:.1f} s ({c2}); --jobs auto "
                  f"{auto:.1f} s ({c3}); throughput auto / (--jobs 1) = {every / auto:.2f}, auto / (--jobs 1 "
                  f"--threads 1) = {one / auto:.2f}; auto's summary.csv equals --threads 1's: {same}", flush=True)
    print(f"median throughput ratio auto / (--jobs 1): {statistics.median(vs_all):.2f}; "
          f"auto / (--jobs 1 --threads 1): {statistics.median(vs_one):.2f}")


if __name__ == "__main__":
    main()
