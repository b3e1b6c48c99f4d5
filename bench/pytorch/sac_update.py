#!/usr/bin/env python3
"""One SAC gradient update in eager PyTorch, CleanRL/SB3 style, timed on the CPU. Prints JSON.

The same update Sac benchmarks (SacUpdateBenchmarks): same networks (ReLU MLPs, policy head [mu || log_std]), batch,
v1 (twin Q, V, V_target; J_V + J_Q + J_pi in one backward, simultaneous steps) or v2 (twin Q, twin targets, learned
alpha: critic step, actor step, alpha step, Polyak), Adam, Polyak, fresh N(0, 1) noise every update. The batch is fixed
(no replay sampling on either side).

    /usr/bin/python3 bench/pytorch/sac_update.py --config large --algo v2 --updates 200
Give PyTorch its best setting: 1 thread (torch.set_num_threads(1) and OPENBLAS_NUM_THREADS=1; 2 threads is slower on
this 2-core machine), and try OPENBLAS_CORETYPE (bench/compare.sh sets it).
"""
import argparse
import json
import math
import os
import platform
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {"small": dict(obs=3, act=1, hidden=64, batch=256), "large": dict(obs=17, act=6, hidden=256, batch=256)}


def mlp(i, h, o):
    return nn.Sequential(nn.Linear(i, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, o))


class Actor(nn.Module):
    def __init__(self, obs, act, h):
        super().__init__()
        self.net = mlp(obs, h, 2 * act)
        self.act = act

    def sample(self, s):
        out = self.net(s)
        mu, log_std = out[:, : self.act], torch.clamp(out[:, self.act:], -20, 2)
        std = log_std.exp()
        eps = torch.randn_like(mu)
        u = mu + std * eps
        a = torch.tanh(u)
        logp = (-0.5 * eps.pow(2) - log_std - 0.5 * math.log(2 * math.pi)).sum(1, keepdim=True)
        logp = logp - (2 * (math.log(2) - u - F.softplus(-2 * u))).sum(1, keepdim=True)
        return a, logp


def build(cfg, algo):
    obs, act, h = cfg["obs"], cfg["act"], cfg["hidden"]
    m = dict(actor=Actor(obs, act, h), q1=mlp(obs + act, h, 1), q2=mlp(obs + act, h, 1))
    m["q_opt"] = torch.optim.Adam(list(m["q1"].parameters()) + list(m["q2"].parameters()), lr=3e-4)
    m["a_opt"] = torch.optim.Adam(m["actor"].parameters(), lr=3e-4)
    if algo == "v1":
        m["v"], m["v_t"] = mlp(obs, h, 1), mlp(obs, h, 1)
        m["v_t"].load_state_dict(m["v"].state_dict())
        m["v_opt"] = torch.optim.Adam(m["v"].parameters(), lr=3e-4)
    else:
        m["q1_t"], m["q2_t"] = mlp(obs + act, h, 1), mlp(obs + act, h, 1)
        m["q1_t"].load_state_dict(m["q1"].state_dict())
        m["q2_t"].load_state_dict(m["q2"].state_dict())
        m["log_alpha"] = torch.zeros(1, requires_grad=True)
        m["alpha_opt"] = torch.optim.Adam([m["log_alpha"]], lr=3e-4)
    return m


def polyak(target, source, tau=0.005):
    with torch.no_grad():
        for t, s in zip(target.parameters(), source.parameters()):
            t.mul_(1 - tau)
            t.add_(tau * s)


def update_v2(m, s, a, r, s2, d, act, gamma=0.99):
    alpha = m["log_alpha"].exp().item()
    with torch.no_grad():
        a2, logp2 = m["actor"].sample(s2)
        sa2 = torch.cat([s2, a2], 1)
        q_next = torch.min(m["q1_t"](sa2), m["q2_t"](sa2)) - alpha * logp2
        y = r + gamma * (1 - d) * q_next
    sa = torch.cat([s, a], 1)
    q_loss = 0.5 * F.mse_loss(m["q1"](sa), y) + 0.5 * F.mse_loss(m["q2"](sa), y)
    m["q_opt"].zero_grad()
    q_loss.backward()
    m["q_opt"].step()
    pi, logp = m["actor"].sample(s)
    spi = torch.cat([s, pi], 1)
    a_loss = (alpha * logp - torch.min(m["q1"](spi), m["q2"](spi))).mean()
    m["a_opt"].zero_grad()
    a_loss.backward()
    m["a_opt"].step()
    alpha_loss = (-m["log_alpha"] * (logp.detach() - act)).mean()
    m["alpha_opt"].zero_grad()
    alpha_loss.backward()
    m["alpha_opt"].step()
    polyak(m["q1_t"], m["q1"])
    polyak(m["q2_t"], m["q2"])


def update_v1(m, s, a, r, s2, d, act, gamma=0.99, alpha=0.2):
    with torch.no_grad():
        y = r + gamma * (1 - d) * m["v_t"](s2)
    pi, logp = m["actor"].sample(s)
    spi = torch.cat([s, pi], 1)
    # The critics inside J_pi must not be trained by it: evaluate them with detached parameters (functional forward).
    def q_detached(q, x):
        l1, l2, l3 = q[0], q[2], q[4]
        h = F.relu(F.linear(x, l1.weight.detach(), l1.bias.detach()))
        h = F.relu(F.linear(h, l2.weight.detach(), l2.bias.detach()))
        return F.linear(h, l3.weight.detach(), l3.bias.detach())
    min_q = torch.min(q_detached(m["q1"], spi), q_detached(m["q2"], spi))
    v_loss = 0.5 * F.mse_loss(m["v"](s), (min_q - alpha * logp).detach())
    sa = torch.cat([s, a], 1)
    q_loss = 0.5 * F.mse_loss(m["q1"](sa), y) + 0.5 * F.mse_loss(m["q2"](sa), y)
    a_loss = (alpha * logp - min_q).mean()
    for opt in ("v_opt", "q_opt", "a_opt"):
        m[opt].zero_grad()
    (v_loss + q_loss + a_loss).backward()
    for opt in ("v_opt", "q_opt", "a_opt"):
        m[opt].step()
    polyak(m["v_t"], m["v"])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", choices=CONFIGS, default="large")
    p.add_argument("--algo", choices=["v1", "v2"], default="v2")
    p.add_argument("--updates", type=int, default=100)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cfg = CONFIGS[args.config]
    m = build(cfg, args.algo)
    b, obs, act = cfg["batch"], cfg["obs"], cfg["act"]
    s, s2 = torch.randn(b, obs), torch.randn(b, obs)
    a = torch.rand(b, act) * 2 - 1
    r = torch.randn(b, 1)
    d = (torch.rand(b, 1) < 0.05).float()
    step = update_v1 if args.algo == "v1" else update_v2
    for _ in range(args.warmup):
        step(m, s, a, r, s2, d, act)
    per_update = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        for _ in range(args.updates):
            step(m, s, a, r, s2, d, act)
        per_update.append((time.perf_counter() - t) / args.updates)
    ms = statistics.median(per_update) * 1e3
    print(json.dumps({"impl": "pytorch", "config": args.config, "algo": args.algo, "threads": args.threads,
                      "ms_per_update": ms, "updates_per_s": 1e3 / ms, "repeats_ms": [x * 1e3 for x in per_update],
                      "torch": torch.__version__, "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
                      "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", ""), "python": platform.python_version()}))


if __name__ == "__main__":
    main()
