"""What the PyTorch fixture writers (sac_fixtures.py, td3_fixtures.py) share: where the fixtures go, the small networks
and batch they are computed on, and the JSON form of a parameter list or a batch (what Sac.Tests' fixture readers load).

Nothing here creates a tensor on import: each writer sets torch's default dtype (float64) itself, before any tensor.
"""
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Sac.Tests", "Fixtures")

OBS, ACT, HIDDEN, BATCH = 3, 2, [16, 16], 8
GAMMA, TAU = 0.99, 0.005
BETAS, ADAM_EPS = (0.9, 0.999), 1e-8


def mlp_params(gen, name, sizes):
    """PyTorch nn.Linear init, W and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), stored in Sac's in x out layout."""
    params = []
    for i in range(len(sizes) - 1):
        bound = 1.0 / math.sqrt(sizes[i])
        w = (torch.rand(sizes[i], sizes[i + 1], generator=gen) * 2 - 1) * bound
        b = (torch.rand(1, sizes[i + 1], generator=gen) * 2 - 1) * bound
        params.append((f"{name}.{i}.weight", w.requires_grad_()))
        params.append((f"{name}.{i}.bias", b.requires_grad_()))
    return params


def mlp(params, x, detach=False):
    tensors = [p.detach() if detach else p for _, p in params]
    h = x
    for i in range(0, len(tensors), 2):
        h = F.linear(h, tensors[i].t(), tensors[i + 1].reshape(-1))
        if i + 2 < len(tensors):
            h = F.relu(h)
    return h


def target_copy(gen, params, old, new):
    """A target that differs from its source (as after some training), so the Polyak steps are visible."""
    copy = [(n.replace(old, new, 1), p.detach().clone()) for n, p in params]
    with torch.no_grad():
        for _, p in copy:
            p.add_(0.05 * torch.randn(p.shape, generator=gen))
    return copy


def dump(params):
    return {n: {"rows": p.shape[0], "cols": p.shape[1], "data": p.detach().reshape(-1).tolist()} for n, p in params}


def make_batch(gen):
    """(s, a, r, s2, d, eps, eps2), drawn in that order; d marks two terminal transitions."""
    s = torch.randn(BATCH, OBS, generator=gen)
    a = torch.rand(BATCH, ACT, generator=gen) * 1.8 - 0.9
    r = torch.randn(BATCH, 1, generator=gen)
    s2 = torch.randn(BATCH, OBS, generator=gen)
    d = torch.tensor([[0.0], [1.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0]])
    eps = torch.randn(BATCH, ACT, generator=gen)
    eps2 = torch.randn(BATCH, ACT, generator=gen)
    return s, a, r, s2, d, eps, eps2


def batch_json(s, a, r, s2, d, eps, eps2):
    t = lambda x: {"rows": x.shape[0], "cols": x.shape[1], "data": x.reshape(-1).tolist()}
    return {"s": t(s), "a": t(a), "r": t(r), "s2": t(s2), "d": t(d), "eps": t(eps), "eps2": t(eps2)}
