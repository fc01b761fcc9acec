"""The gcl-b iteration in PyTorch, written from docs/algorithm.md, shared by the side-by-side scripts here
(small_batch.py, small_batch_floor.py, pytorch_cpu.py, ucf_epoch_pytorch.py): the paper's optimiser settings, eager torch.nn.Sequential
networks, thresholds mean + k·std (k 1.0 for G and D: the timing does not depend on k), negative learning towards
ones."""
import torch

LR, ALPHA, EPS, MOMENTUM = 2e-5, 0.99, 1e-8, 0.6
K_G = K_D = 1.0


def network(dims, sigmoid):
    """Linear layers with ReLU between them, and a sigmoid at the end for D."""
    layers = []
    for a, b in zip(dims, dims[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    layers.pop()
    if sigmoid:
        layers.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


def models(dim):
    """The paper's networks for features of this dimension and their RMSprop optimisers: g, d, opt_g, opt_d."""
    g = network([dim, 1024, 512, 256, 512, 1024, dim], False)
    d = network([dim, 512, 32, 1], True)
    opt_g = torch.optim.RMSprop(g.parameters(), lr=LR, alpha=ALPHA, eps=EPS, momentum=MOMENTUM)
    opt_d = torch.optim.RMSprop(d.parameters(), lr=LR, alpha=ALPHA, eps=EPS, momentum=MOMENTUM)
    return g, d, opt_g, opt_d


def cooperative_step(g, d, opt_g, opt_d, bce, xb):
    """One gcl-b iteration on batch xb, docs/algorithm.md steps 1-6."""
    recon = g(xb)
    err = ((recon.detach() - xb) ** 2).mean(dim=1)
    l_g = (err > err.mean() + K_G * err.std()).float()
    p = d(xb).squeeze(1)
    loss_d = bce(p, l_g)
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    with torch.no_grad():
        p2 = d(xb).squeeze(1)
        l_d = p2 > p2.mean() + K_D * p2.std()
        target = torch.where(l_d[:, None], torch.ones_like(xb), xb)
    loss_g = ((recon - target) ** 2).mean()
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
