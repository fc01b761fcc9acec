#!/usr/bin/env python3
"""PyTorch on the same GPU, beside gcl's CUDA backend (shipped in the device bundle; run by its run.sh).

Written from the algorithm (docs/algorithm.md of the project: the paper's networks and one gcl-b iteration), not
from the Java code. Prints, in the format of dev.gcl.backend.cuda.GemmKernelBench:

  MEASURE torch <fp32|tf32> <fwd|bwd> <rows>x<in>-><out> <TFLOP/s>
      fwd: y = relu(x @ w.T + b)                    2*rows*in*out flops
      bwd: dz = dy * (y > 0); dIn = dz @ w; dW = dz.T @ x; dB = dz.sum(0)   4*rows*in*out flops
  MEASURE torch <fp32|tf32> iteration gcl-b,B=8192,D=2048 <median ms>
  MEASURE torch bw <op> <shape> <GB/s>
      the memory-bound ops of dev.gcl.backend.cuda.MemoryKernelBench at B = 8192, D = 2048, with its byte counts
      (each input read once, each output written once): gather_rows (index_select), bias_gradient (sum over rows),
      nl_targets_gaussian (where(label, x + noise, x)), weighted_mse_grad (the loss and its gradient), rmsprop
      (torch.optim.RMSprop with momentum on 2^23 parameters)

fp32 = torch.backends.cuda.matmul.allow_tf32 False (and cudnn's), tf32 = True. Eager mode, no torch.compile.
Without torch or without a CUDA device it prints one line saying so and exits 0 (the rehearsal on a machine
without a GPU). --device cpu --small runs everything on tiny shapes on the CPU (a smoke test of this script).
"""
import argparse
import statistics
import sys
import time

B, REPS = 8192, 10


def layer_shapes():
    """Distinct (rows, in, out) of G [d,1024,512,256,512,1024,d] and D [d,512,32,1] for d = 2048, 4096; 4096^3."""
    seen = []
    for d in (2048, 4096):
        for net in ((d, 1024, 512, 256, 512, 1024, d), (d, 512, 32, 1)):
            for a, b in zip(net, net[1:]):
                if (B, a, b) not in seen:
                    seen.append((B, a, b))
    seen.append((4096, 4096, 4096))
    return seen


def timed(torch, device, fn, reps=REPS):
    """Median seconds of one call of fn over reps calls, after two warm-up calls."""
    for _ in range(2):
        fn()
    sync(torch, device)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync(torch, device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def sync(torch, device):
    if device == "cuda":
        torch.cuda.synchronize()


def set_precision(torch, precision):
    tf32 = precision == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32


def gemms(torch, device, precision, shapes):
    for rows, n_in, n_out in shapes:
        g = torch.Generator(device=device).manual_seed(1)
        x = torch.randn(rows, n_in, device=device, generator=g) * 0.05
        w = torch.randn(n_out, n_in, device=device, generator=g) * 0.05
        b = torch.randn(n_out, device=device, generator=g) * 0.05
        dy = torch.randn(rows, n_out, device=device, generator=g) * 0.05
        y = torch.relu(torch.matmul(x, w.T) + b)

        def fwd():
            return torch.relu(torch.matmul(x, w.T) + b)

        def bwd():
            dz = dy * (y > 0)
            return torch.matmul(dz, w), torch.matmul(dz.T, x), dz.sum(0)

        flops = 2.0 * rows * n_in * n_out
        shape = f"{rows}x{n_in}->{n_out}"
        print(f"MEASURE torch {precision} fwd {shape} {flops / timed(torch, device, fwd) / 1e12:.3f}", flush=True)
        print(f"MEASURE torch {precision} bwd {shape} {2 * flops / timed(torch, device, bwd) / 1e12:.3f}", flush=True)


def memory_ops(torch, device, small):
    rows, cols, params = (64, 48, 1024) if small else (B, 2048, 1 << 23)
    n, shape = rows * cols, f"{rows}x{cols}"
    g = torch.Generator(device=device).manual_seed(2)
    x = torch.rand(rows, cols, device=device, generator=g)
    y = torch.rand(rows, cols, device=device, generator=g)
    w = torch.rand(rows, device=device, generator=g)
    out = torch.empty(rows, cols, device=device)
    idx = torch.randperm(rows, device=device, generator=g)

    def report(op, shape, nbytes, fn):
        print(f"MEASURE torch bw {op} {shape} {nbytes / timed(torch, device, fn, reps=20) / 1e9:.1f}", flush=True)

    def mse():
        d = x - y
        loss = (w * (d * d).mean(1)).sum() / w.sum()
        return loss, (2.0 / (cols * w.sum())) * w[:, None] * d

    report("gather_rows", shape, 2 * n * 4 + rows * 4, lambda: torch.index_select(x, 0, idx, out=out))
    report("bias_gradient", shape, n * 4 + cols * 4, lambda: x.sum(0))
    report("nl_targets_gaussian", shape, 3 * n * 4 + rows * 8,
           lambda: torch.where((w != 0)[:, None], x + y, x))
    report("weighted_mse_grad", shape, 3 * n * 4 + rows * 4, mse)
    p = torch.rand(params, device=device, generator=g).requires_grad_()
    p.grad = torch.rand(params, device=device, generator=g)
    opt = torch.optim.RMSprop([p], lr=1e-4, alpha=0.99, eps=1e-8, momentum=0.9)
    report("rmsprop", str(params), 7 * params * 4, opt.step)


def mlp(torch, widths, device, gen):
    """nn.Linear layers with PyTorch's default init range U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for W and b."""
    layers = []
    for a, b in zip(widths, widths[1:]):
        bound = 1.0 / a ** 0.5
        w = ((torch.rand(b, a, device=device, generator=gen) * 2 - 1) * bound).requires_grad_()
        bias = ((torch.rand(b, device=device, generator=gen) * 2 - 1) * bound).requires_grad_()
        layers.append((w, bias))
    return layers


def forward(torch, layers, x, last):
    """ReLU after every hidden layer; last = 'linear' (G) or 'sigmoid' (D)."""
    for i, (w, b) in enumerate(layers):
        x = torch.nn.functional.linear(x, w, b)
        if i + 1 < len(layers):
            x = torch.relu(x)
    return torch.sigmoid(x) if last == "sigmoid" else x


def gcl_iterations(torch, device, precision, d, batch, iterations):
    """gcl-b (docs/algorithm.md, 'One cooperative iteration'), nl = ones, k_G = 1.0, k_D = 0.1, RMSprop
    (lr 2e-5, momentum 0.6, alpha 0.99, eps 1e-8). Returns the median milliseconds of one iteration."""
    gen = torch.Generator(device=device).manual_seed(1)
    g_net = mlp(torch, (d, 1024, 512, 256, 512, 1024, d), device, gen)
    d_net = mlp(torch, (d, 512, 32, 1), device, gen)
    params = lambda net: [p for layer in net for p in layer]
    opt_g = torch.optim.RMSprop(params(g_net), lr=2e-5, momentum=0.6, alpha=0.99, eps=1e-8)
    opt_d = torch.optim.RMSprop(params(d_net), lr=2e-5, momentum=0.6, alpha=0.99, eps=1e-8)
    bce = torch.nn.BCELoss()  # mean over the batch, logs clamped at -100
    data = torch.rand(batch * 4, d, device=device, generator=gen)

    def iteration(k):
        x = data[(k % 4) * batch:(k % 4 + 1) * batch]
        # 1. G forward (its graph is kept for step 6: G does not change before then), per-row errors
        x_hat = forward(torch, g_net, x, "linear")
        e = ((x_hat.detach() - x) ** 2).mean(dim=1)
        # 2. G's pseudo-labels: e > mean + k_G * std (unbiased)
        l_g = (e > e.mean() + 1.0 * e.std()).float()
        # 3. one D step on (x, l_G)
        opt_d.zero_grad(set_to_none=True)
        p = forward(torch, d_net, x, "sigmoid").squeeze(1)
        bce(p, l_g).backward()
        opt_d.step()
        # 4. D's pseudo-labels with the updated D
        with torch.no_grad():
            p = forward(torch, d_net, x, "sigmoid").squeeze(1)
            l_d = p > p.mean() + 0.1 * p.std()
        # 5. negative learning, mode ones: anomalous rows get the all-ones target, weight 1
        target = torch.where(l_d.unsqueeze(1), torch.ones_like(x), x)
        weight = torch.ones(batch, device=device)
        # 6. one G step on the weighted reconstruction loss
        opt_g.zero_grad(set_to_none=True)
        loss = (weight * ((x_hat - target) ** 2).mean(dim=1)).sum() / weight.sum()
        loss.backward()
        opt_g.step()

    times = []
    for k in range(iterations):
        sync(torch, device)
        t0 = time.perf_counter()
        iteration(k)
        sync(torch, device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times[2:] if len(times) > 4 else times) * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--small", action="store_true", help="tiny shapes (a smoke test of the script)")
    args = ap.parse_args()
    try:
        import torch
    except ImportError as e:
        print(f"torch: not available ({e})")
        return 0
    if args.device == "cuda" and not torch.cuda.is_available():
        print(f"torch {torch.__version__}: no CUDA device (torch.cuda.is_available() is False)")
        return 0
    name = torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu"
    print(f"torch {torch.__version__} on {name}", flush=True)
    shapes = [(64, 48, 32), (64, 32, 1)] if args.small else layer_shapes()
    d, batch, iterations = (48, 64, 5) if args.small else (2048, B, 12)
    memory_ops(torch, args.device, args.small)
    for precision in ("fp32", "tf32"):
        set_precision(torch, precision)
        gemms(torch, args.device, precision, shapes)
        ms = gcl_iterations(torch, args.device, precision, d, batch, iterations)
        print(f"MEASURE torch {precision} iteration gcl-b,B={batch},D={d} {ms:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
