#!/usr/bin/env python3
"""What one B 64 gcl-b iteration costs in PyTorch, part by part: its products alone, its two RMSprop steps alone,
and the whole iteration (same loop as small_batch.py), 1 thread, median of many repeats with warm caches.

The iteration is small_batch.py's (gcl_torch.py). The products are those of docs/algorithm.md's iteration with
the paper's networks (G [768, 1024, 512, 256, 512, 1024, 768], D [768, 512, 32, 1]): G forward (6), D forward
twice (3 + 3), D backward (3 dW + 2 dIn), G backward (6 dW + 5 dIn); the same list our IterationProfile (dev.gcl.bench, test sources) times op by op.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/small_batch_floor.py
"""
import os
import statistics
import time

import machine  # noqa: E402  (this folder): lift the OpenBLAS pins before torch loads

LIFTED = machine.lift_pins()
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402

from gcl_torch import cooperative_step, models  # noqa: E402  (this folder: the loop of small_batch.py)

torch.set_num_threads(1)
B = 64
G = [768, 1024, 512, 256, 512, 1024, 768]
D = [768, 512, 32, 1]


def median_ms(fn, repeats=60):
    for _ in range(5):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def layers(dims):
    return [(a, b, torch.randn(b, a) * 0.01, torch.randn(B, a), torch.randn(B, b)) for a, b in zip(dims, dims[1:])]


def products(nets):
    for net, fwd_times in nets:
        for k, (a, b, w, x, dy) in enumerate(net):
            for _ in range(fwd_times):
                torch.mm(x, w.t())          # forward
            torch.mm(dy.t(), x)             # dW
            if k > 0:
                torch.mm(dy, w)             # dIn


def main():
    machine.report(1, LIFTED)
    torch.manual_seed(0)
    g, d, opt_g, opt_d = models(G[0])
    for p in list(g.parameters()) + list(d.parameters()):
        p.grad = torch.randn_like(p) * 1e-3
    nets = ((layers(G), 1), (layers(D), 2))
    prod = median_ms(lambda: products(nets))
    rms = median_ms(lambda: (opt_g.step(), opt_d.step()))
    x = torch.randn(615, 768)
    x /= x.norm(dim=1, keepdim=True)
    bce = torch.nn.BCELoss()

    def iteration():
        cooperative_step(g, d, opt_g, opt_d, bce, x[torch.randperm(615)[:B]])

    whole = median_ms(iteration)
    print(f"torch {torch.__version__}, 1 thread, B {B}: products alone {prod:.2f} ms, RMSprop steps (G + D) alone "
          f"{rms:.2f} ms, whole iteration {whole:.2f} ms (median of 60)")


if __name__ == "__main__":
    main()
