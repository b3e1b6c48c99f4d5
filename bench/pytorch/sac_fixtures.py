#!/usr/bin/env python3
"""Writes the PyTorch parity fixtures for Sac's SAC v1 and v2 updates (Sac.Tests/Fixtures/sac_v1.json, sac_v2.json, and
sac_v2_tanh_log_std.json: v2 with CleanRL's policy, log_std = -5 + 3.5 (tanh x + 1) and log(1 - a^2 + 1e-6)).

PyTorch autograd is the independent oracle: this script builds the same networks from the same weights, the same
batch and the same noise eps, and records every loss, every parameter gradient and every parameter after one update,
in float64. Sac's NUnit tests load these files and must match to 1e-6 relative error (they never run Python).

Regenerate (Debian's PyTorch; nothing from pip):
    apt-get install -y python3-torch
    /usr/bin/python3 bench/pytorch/sac_fixtures.py

Conventions shared with Sac (see Sac.Core): a layer is y = x W + b with W stored in x out (the transpose of
torch.nn.Linear.weight); the policy's last layer outputs [mu || log_std]; log_std is clamped to [-20, 2];
log pi = sum(-eps^2/2 - log_std - log(2 pi)/2) - sum(2 (log 2 - u - softplus(-2u))) (Spinning Up's exact form);
critic loss J_Q = sum_i 0.5 mean((Q_i(s,a) - Qhat)^2); targets use d = terminated only.
v1 (the seed / Haarnoja 2018a): J_V, J_Q, J_pi from the current parameters, one backward through their sum (the
critics inside J_pi use detached parameters), Adam steps, then V_target <- tau V + (1 - tau) V_target.
v2: critic step; actor step against the updated critics; temperature step with that log pi; Polyak on the target critics.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

from fixture_nets import ACT, ADAM_EPS, BATCH, BETAS, GAMMA, HIDDEN, OBS, OUT, TAU, batch_json, dump, make_batch, mlp, mlp_params, target_copy

torch.set_default_dtype(torch.float64)

LR_ACTOR, LR_CRITIC, LR_VALUE, LR_ALPHA = 3e-4, 1e-3, 5e-4, 2e-3
ALPHA_V1, INITIAL_ALPHA = 0.2, 0.7
LOG_STD_MIN, LOG_STD_MAX = -20.0, 2.0


# The policy's form: Sac's default (log_std clamped, exact tanh Jacobian), or CleanRL's (set by main for the third file).
FORM = {"bounding": "clamp", "log_std_min": LOG_STD_MIN, "log_std_max": LOG_STD_MAX, "jacobian_epsilon": 0.0}


def sample(pi, s, eps):
    out = mlp(pi, s)
    lo, hi = FORM["log_std_min"], FORM["log_std_max"]
    if FORM["bounding"] == "clamp":
        mu, log_std = out[:, :ACT], torch.clamp(out[:, ACT:], lo, hi)
    else:  # CleanRL: LOG_STD_MIN + 0.5 (LOG_STD_MAX - LOG_STD_MIN) (tanh x + 1)
        mu, log_std = out[:, :ACT], lo + 0.5 * (hi - lo) * (torch.tanh(out[:, ACT:]) + 1)
    std = log_std.exp()
    u = mu + std * eps
    a = torch.tanh(u)
    logp = torch.distributions.Normal(mu, std).log_prob(u).sum(1, keepdim=True)
    if FORM["jacobian_epsilon"] == 0:
        logp = logp - (2 * (math.log(2) - u - F.softplus(-2 * u))).sum(1, keepdim=True)
    else:  # SB3 and CleanRL
        logp = logp - torch.log(1 - a.pow(2) + FORM["jacobian_epsilon"]).sum(1, keepdim=True)
    return a, logp


def min_q(q1, q2, s, a, detach=False):
    sa = torch.cat([s, a], 1)
    return torch.min(mlp(q1, sa, detach), mlp(q2, sa, detach))


def half_mse(x, y):
    return 0.5 * ((x - y) ** 2).mean()


def grads(params):
    return {n: p.grad.reshape(-1).tolist() for n, p in params}


def common(gen):
    pi = mlp_params(gen, "pi", [OBS] + HIDDEN + [2 * ACT])
    with torch.no_grad():
        # Push log_std of action dim 1 above its upper clamp for some states, so the clamp's zero gradient is exercised.
        pi[-1][1][0, ACT + 1] += 2.5
    q1 = mlp_params(gen, "q1", [OBS + ACT] + HIDDEN + [1])
    q2 = mlp_params(gen, "q2", [OBS + ACT] + HIDDEN + [1])
    return pi, q1, q2


def config(version):
    return {"version": version, "obs": OBS, "act": ACT, "hidden": HIDDEN, "batch": BATCH, "gamma": GAMMA, "tau": TAU,
            "lr_actor": LR_ACTOR, "lr_critic": LR_CRITIC, "lr_value": LR_VALUE, "lr_alpha": LR_ALPHA,
            "alpha": ALPHA_V1, "initial_alpha": INITIAL_ALPHA, "target_entropy": -ACT, "log_std_min": FORM["log_std_min"],
            "log_std_max": FORM["log_std_max"], "log_std_bounding": FORM["bounding"], "jacobian_epsilon": FORM["jacobian_epsilon"],
            "torch": torch.__version__}


def v1():
    gen = torch.Generator().manual_seed(1)
    pi, q1, q2 = common(gen)
    v = mlp_params(gen, "v", [OBS] + HIDDEN + [1])
    v_target = target_copy(gen, v, "v.", "v_target.")
    s, a, r, s2, d, eps, eps2 = make_batch(gen)
    before = {"weights": {**dump(pi), **dump(q1), **dump(q2), **dump(v), **dump(v_target)}, "batch": batch_json(s, a, r, s2, d, eps, eps2)}

    with torch.no_grad():
        q_hat = r + GAMMA * (1 - d) * mlp(v_target, s2)
    a_pi, logp = sample(pi, s, eps)
    mq = min_q(q1, q2, s, a_pi, detach=True)
    j_v = half_mse(mlp(v, s), (mq - ALPHA_V1 * logp).detach())
    sa = torch.cat([s, a], 1)
    j_q = half_mse(mlp(q1, sa), q_hat) + half_mse(mlp(q2, sa), q_hat)
    j_pi = (ALPHA_V1 * logp - mq).mean()
    (j_v + j_q + j_pi).backward()
    expected = {"loss.value": j_v.item(), "loss.critic": j_q.item(), "loss.actor": j_pi.item(),
                "mean_logp": logp.mean().item(), "mean_q": mq.mean().item()}
    expected.update({"grad." + k: g for k, g in {**grads(pi), **grads(q1), **grads(q2), **grads(v)}.items()})

    for params, lr in ((v, LR_VALUE), (q1 + q2, LR_CRITIC), (pi, LR_ACTOR)):
        opt = torch.optim.Adam([p for _, p in params], lr=lr, betas=BETAS, eps=ADAM_EPS)
        opt.step()
    with torch.no_grad():
        for (_, tp), (_, p) in zip(v_target, v):
            tp.mul_(1 - TAU).add_(TAU * p)
    expected.update({"after." + k: x["data"] for k, x in {**dump(pi), **dump(q1), **dump(q2), **dump(v), **dump(v_target)}.items()})
    return {"config": config(1), **before, "expected": expected}


def v2():
    gen = torch.Generator().manual_seed(2)
    pi, q1, q2 = common(gen)
    if FORM["jacobian_epsilon"] > 0:
        with torch.no_grad():
            # CleanRL's form: undo common()'s push of log_std (tanh has no clamp to exercise; sigma near e^2 would saturate
            # every action, where float32 cannot compute 1 - a^2), and push mu of action dim 0 to u ~ 2 to 4 instead, where
            # the epsilon changes log pi by 1e-4 to 1e-3 and float32 still keeps 1 - a^2 to ~1e-4 relative.
            pi[-1][1][0, ACT + 1] -= 2.5
            pi[-1][1][0, 0] += 2.0
    q1_target = target_copy(gen, q1, "q1.", "q1_target.")
    q2_target = target_copy(gen, q2, "q2.", "q2_target.")
    log_alpha = [("log_alpha", torch.full((1, 1), math.log(INITIAL_ALPHA)).requires_grad_())]
    s, a, r, s2, d, eps, eps2 = make_batch(gen)
    before = {"weights": {**dump(pi), **dump(q1), **dump(q2), **dump(q1_target), **dump(q2_target), **dump(log_alpha)},
              "batch": batch_json(s, a, r, s2, d, eps, eps2)}
    expected = {}
    alpha = log_alpha[0][1].exp().item()

    critic_opt = torch.optim.Adam([p for _, p in q1 + q2], lr=LR_CRITIC, betas=BETAS, eps=ADAM_EPS)
    actor_opt = torch.optim.Adam([p for _, p in pi], lr=LR_ACTOR, betas=BETAS, eps=ADAM_EPS)
    alpha_opt = torch.optim.Adam([log_alpha[0][1]], lr=LR_ALPHA, betas=BETAS, eps=ADAM_EPS)

    with torch.no_grad():
        a2, logp2 = sample(pi, s2, eps2)
        q_next = min_q(q1_target, q2_target, s2, a2) - alpha * logp2
        q_hat = r + GAMMA * (1 - d) * q_next
    sa = torch.cat([s, a], 1)
    j_q = half_mse(mlp(q1, sa), q_hat) + half_mse(mlp(q2, sa), q_hat)
    critic_opt.zero_grad()
    j_q.backward()
    expected.update({"grad." + k: g for k, g in {**grads(q1), **grads(q2)}.items()})
    critic_opt.step()

    a_pi, logp = sample(pi, s, eps)
    mq = min_q(q1, q2, s, a_pi, detach=True)
    j_pi = (alpha * logp - mq).mean()
    actor_opt.zero_grad()
    j_pi.backward()
    expected.update({"grad." + k: g for k, g in grads(pi).items()})
    actor_opt.step()

    j_alpha = -(log_alpha[0][1] * (logp.detach() + (-ACT))).mean()
    alpha_opt.zero_grad()
    j_alpha.backward()
    expected["grad.log_alpha"] = log_alpha[0][1].grad.reshape(-1).tolist()
    alpha_opt.step()

    with torch.no_grad():
        for (_, tp), (_, p) in zip(q1_target + q2_target, q1 + q2):
            tp.mul_(1 - TAU).add_(TAU * p)
    expected.update({"loss.critic": j_q.item(), "loss.actor": j_pi.item(), "loss.alpha": j_alpha.item(),
                     "mean_logp": logp.mean().item(), "mean_q": mq.mean().item()})
    expected.update({"after." + k: x["data"] for k, x in
                     {**dump(pi), **dump(q1), **dump(q2), **dump(q1_target), **dump(q2_target), **dump(log_alpha)}.items()})
    return {"config": config(2), **before, "expected": expected}


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    fixtures = [("sac_v1.json", v1()), ("sac_v2.json", v2())]
    FORM.update(bounding="tanh", log_std_min=-5.0, log_std_max=2.0, jacobian_epsilon=1e-6)
    fixtures.append(("sac_v2_tanh_log_std.json", v2()))
    for name, fixture in fixtures:
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(fixture, f, indent=1)
        print("wrote", os.path.relpath(os.path.join(OUT, name)))
