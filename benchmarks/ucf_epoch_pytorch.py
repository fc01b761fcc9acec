#!/usr/bin/env python3
"""GCL at UCF-Crime scale in PyTorch (CPU), reading the files gcl reads: the side of benchmarks/ucf_epoch.sh.

Written from the algorithm (docs/algorithm.md: the paper's networks G [D, 1024, 512, 256, 512, 1024, D] and
D [D, 512, 32, 1], RMSprop lr 2e-5, alpha 0.99, eps 1e-8, momentum 0.6, B = 8192, thresholds mean + 1 std, negative
learning towards ones), the way a researcher would: np.load every training file of the description's train list,
one concatenated tensor, a fresh permutation per epoch, batches sliced from it. Variants: gcl-b (the cooperative
epochs alone) and gcl-pt (temporal cleaning with T_delta = 0.7 on the distances between consecutive segments,
G pre-trained on the kept segments, D pre-trained on G's labels, then the cooperative epochs).

Phases, timed like gcl's run.json: load (training and test features, annotation), train, evaluate (D's score of
every test segment, expanded to frames at 16 frames per segment, frame ROC AUC). Prints one line per phase, the
peak RSS (ru_maxrss) and segments/s of training.

    python3 benchmarks/ucf_epoch_pytorch.py --data DIR/dataset.yaml --variant gcl-b --epochs 1 --threads 2
"""
import argparse
import os
import resource
import time

import machine  # noqa: E402  (this folder): lift the OpenBLAS pins before numpy/torch load

LIFTED = machine.lift_pins()

import numpy as np  # noqa: E402
import torch  # noqa: E402

from gcl_torch import K_G, cooperative_step, models  # this folder: the iteration of the other scripts

BATCH = 8192
SEGMENT_FRAMES = 16


def read_list(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def load(spec_dir):
    features = os.path.join(spec_dir, "features")
    train = [np.load(os.path.join(features, n + ".npy")) for n in read_list(os.path.join(spec_dir, "train.txt"))]
    offsets = np.cumsum([0] + [len(t) for t in train])
    x = torch.from_numpy(np.concatenate(train))
    del train
    test = [(n, np.load(os.path.join(features, n + ".npy"))) for n in read_list(os.path.join(spec_dir, "test.txt"))]
    truth = {}
    with open(os.path.join(spec_dir, "test_annotation.txt")) as f:
        for line in f:
            p = line.split()
            if len(p) < 7:
                continue
            frames = int(p[6])
            labels = np.zeros(frames, dtype=np.int8)
            for s, e in ((int(p[2]), int(p[3])), (int(p[4]), int(p[5]))):
                if s >= 0:
                    labels[max(0, s - 1):min(frames, e)] = 1   # one-based, end inclusive
            truth[p[0].rsplit(".", 1)[0]] = labels
    return x, offsets, test, truth


def cleaned_rows(x, offsets, t_delta=0.7):
    keep = []
    for v in range(len(offsets) - 1):
        a, b = int(offsets[v]), int(offsets[v + 1])
        if b - a == 1:
            keep.append(np.array([a]))
            continue
        d = torch.linalg.vector_norm(x[a + 1:b] - x[a:b - 1], dim=1).numpy()
        d = np.concatenate([[d[0]], d])
        keep.append(a + np.nonzero(d < t_delta)[0])
    return torch.from_numpy(np.concatenate(keep))


def epoch(x, rows, step):
    perm = rows[torch.randperm(len(rows))]
    n = 0
    for s in range(0, len(perm), BATCH):
        idx = perm[s:s + BATCH]
        if len(idx) < 2:
            break
        step(x[idx])
        n += len(idx)
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--variant", choices=["gcl-b", "gcl-pt"], default="gcl-b")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--pretrain-epochs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    machine.report(a.threads, LIFTED)
    torch.manual_seed(a.seed)
    t0 = time.perf_counter()
    x, offsets, test, truth = load(os.path.dirname(os.path.abspath(a.data)))
    t_load = time.perf_counter() - t0
    dim = x.shape[1]

    g, d, opt_g, opt_d = models(dim)
    bce = torch.nn.BCELoss()

    def g_labels(xb):
        with torch.no_grad():
            err = ((g(xb) - xb) ** 2).mean(dim=1)
        return (err > err.mean() + K_G * err.std()).float()

    def d_step(xb, y):
        loss = bce(d(xb).squeeze(1), y)
        opt_d.zero_grad()
        loss.backward()
        opt_d.step()

    def pretrain_g(xb):
        loss = ((g(xb) - xb) ** 2).mean()
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()

    def cooperative(xb):
        cooperative_step(g, d, opt_g, opt_d, bce, xb)

    all_rows = torch.arange(len(x))
    t0 = time.perf_counter()
    segments = 0
    if a.variant == "gcl-pt":
        kept = cleaned_rows(x, offsets)
        for _ in range(a.pretrain_epochs):
            segments += epoch(x, kept, pretrain_g)
        for _ in range(a.pretrain_epochs):
            segments += epoch(x, all_rows, lambda xb: d_step(xb, g_labels(xb)))
    for _ in range(a.epochs):
        segments += epoch(x, all_rows, cooperative)
    t_train = time.perf_counter() - t0

    t0 = time.perf_counter()
    scores, labels = [], []
    with torch.inference_mode():
        for name, f in test:
            s = d(torch.from_numpy(f)).squeeze(1).numpy()
            gt = truth[name]
            frames = np.minimum(np.arange(len(gt)) // SEGMENT_FRAMES, len(s) - 1)
            scores.append(s[frames])
            labels.append(gt)
    s, y = np.concatenate(scores), np.concatenate(labels)
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)   # mid-ranks for ties
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]
    pos = int(y.sum())
    auc = (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos))
    t_eval = time.perf_counter() - t0

    print(f"pytorch {a.variant}: load {t_load:.1f} s, train {t_train:.1f} s ({segments / t_train:.0f} segments/s),"
          f" evaluate {t_eval:.1f} s, frame ROC AUC {auc:.4f}")
    print(f"PHASES load={t_load:.1f} train={t_train:.1f} evaluate={t_eval:.1f}"
          f" peak_rss_gib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f}")


if __name__ == "__main__":
    main()
