#!/usr/bin/env python3
"""Small batches and seed sweeps in PyTorch on the same GPU (issue 30; shipped in the device bundle, run by run.sh),
beside dev.gcl.bench.SmallBatchSweep.

gcl-b at B 64 on random rows of D 768 with the paper's networks (G [D, 1024, 512, 256, 512, 1024, D],
D [D, 512, 32, 1]), RMSprop (lr 2e-5, alpha 0.99, eps 1e-8, momentum 0.6), the cooperative step of
torch_gcl_iteration.py (written from docs/algorithm.md, not from the Java code). Prints

  MEASURE torch gcl-b,B=64,D=768 eager <ms>/iteration
  MEASURE torch gcl-b,B=64,D=768 graphs <ms>/iteration      (torch.cuda.graphs: the whole step captured once)
  MEASURE torch gcl-b,B=64,D=768 sweep=N <mode> <iterations/s>   N = 1, 8, 32 models stepped in turn

eager: one Python call per iteration, as a training loop runs it; graphs: torch.cuda.CUDAGraph replayed, with the
batch copied into the captured input first (RMSprop(capturable=True)). Where capture fails (an old torch, an op
that syncs) the line says why and the eager figures stand. Medians over repeated timed blocks after warm-up.
Without torch or a CUDA device it prints one line saying so and exits 0. --device cpu --small: a smoke test of the
eager path on tiny shapes.
"""
import argparse
import statistics
import time

# the networks as the GEMM benchmark builds them (this file ships beside it, in the bundle's py/ too)
from torch_gcl_iteration import forward, mlp

B = 64


def build(torch, d, hidden_g, hidden_d, device, seed, capturable):
    gen = torch.Generator(device=device).manual_seed(seed)
    g_net, d_net = mlp(torch, (d, *hidden_g, d), device, gen), mlp(torch, (d, *hidden_d, 1), device, gen)
    params = lambda net: [p for layer in net for p in layer]
    kw = dict(lr=2e-5, momentum=0.6, alpha=0.99, eps=1e-8)
    if capturable:
        kw["capturable"] = True
    return g_net, d_net, torch.optim.RMSprop(params(g_net), **kw), torch.optim.RMSprop(params(d_net), **kw)


def step(torch, model, x, bce):
    """One gcl-b iteration (nl = ones, k_G = 1.0, k_D = 0.1): no host synchronisation inside."""
    g_net, d_net, opt_g, opt_d = model
    x_hat = forward(torch, g_net, x, "linear")
    e = ((x_hat.detach() - x) ** 2).mean(dim=1)
    l_g = (e > e.mean() + 1.0 * e.std()).float()
    opt_d.zero_grad(set_to_none=False)
    p = forward(torch, d_net, x, "sigmoid").squeeze(1)
    bce(p, l_g).backward()
    opt_d.step()
    with torch.no_grad():
        p = forward(torch, d_net, x, "sigmoid").squeeze(1)
        l_d = p > p.mean() + 0.1 * p.std()
    target = torch.where(l_d.unsqueeze(1), torch.ones_like(x), x)
    opt_g.zero_grad(set_to_none=False)
    loss = ((x_hat - target) ** 2).mean(dim=1).mean()
    loss.backward()
    opt_g.step()
    return loss


def median_block(torch, device, block, reps):
    for _ in range(2):
        block()
    times = []
    for _ in range(reps):
        if device == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        block()
        if device == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def captured(torch, model, static_x, bce):
    """The step captured as one CUDA graph, after warm-up steps on a side stream (PyTorch's documented recipe)."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            step(torch, model, static_x, bce)
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step(torch, model, static_x, bce)
    return graph


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    try:
        import torch
    except ImportError as e:
        print(f"torch: not available ({e})")
        return 0
    if args.device == "cuda" and not torch.cuda.is_available():
        print(f"torch {torch.__version__}: no CUDA device (torch.cuda.is_available() is False)")
        return 0
    torch.backends.cuda.matmul.allow_tf32 = False
    device = args.device
    d, hg, hd, sweeps, iters = (32, (16, 8, 16), (8, 4), (1, 2), 4) if args.small else \
        (768, (1024, 512, 256, 512, 1024), (512, 32), (1, 8, 32), 20)
    name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    print(f"torch {torch.__version__} on {name}", flush=True)
    shape = f"gcl-b,B={B},D={d}"
    bce = torch.nn.BCELoss()
    data = torch.rand(B * 8, d, device=device, generator=torch.Generator(device=device).manual_seed(1))
    batches = [data[k * B:(k + 1) * B] for k in range(8)]

    for n in sweeps:
        models = [build(torch, d, hg, hd, device, s, False) for s in range(n)]

        def eager():
            for k in range(iters):
                for m in models:
                    step(torch, m, batches[k % 8], bce)

        seconds = median_block(torch, device, eager, 3)
        if n == 1:
            print(f"MEASURE torch {shape} eager {seconds * 1e3 / iters:.3f} ms/iteration", flush=True)
        print(f"MEASURE torch {shape} sweep={n} eager {n * iters / seconds:.1f} iterations/s", flush=True)
        if device != "cuda":
            continue
        try:
            models = [build(torch, d, hg, hd, device, s, True) for s in range(n)]
            inputs = [batches[0].clone() for _ in range(n)]
            graphs = [captured(torch, m, x, bce) for m, x in zip(models, inputs)]

            def replay():
                for k in range(iters):
                    for x, g in zip(inputs, graphs):
                        x.copy_(batches[k % 8])
                        g.replay()

            seconds = median_block(torch, device, replay, 3)
            if n == 1:
                print(f"MEASURE torch {shape} graphs {seconds * 1e3 / iters:.3f} ms/iteration", flush=True)
            print(f"MEASURE torch {shape} sweep={n} graphs {n * iters / seconds:.1f} iterations/s", flush=True)
        except Exception as e:  # noqa: BLE001  (a capture that fails is a result here)
            print(f"torch.cuda.graphs: capture failed for sweep={n}: {type(e).__name__}: {e}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
