#!/usr/bin/env python3
"""Writes the PyTorch parity fixture for Sac's TD3 (Sac.Tests/Fixtures/td3.json): three updates in float64.

PyTorch autograd is the independent oracle: the same networks from the same weights, three batches with their noise,
and every loss and every parameter (online and target) after each update. Sac's NUnit test loads the file and must
match to 1e-6 relative error (it never runs Python). Three updates cover the policy delay: the second update is the
only one whose actor and targets move.

Regenerate (Debian's PyTorch; nothing from pip):
    apt-get install -y python3-torch
    /usr/bin/python3 bench/pytorch/td3_fixtures.py

TD3 as Fujimoto et al. 2018 (Algorithm 1) and their reference code, in Sac's conventions (see Sac.Core/Algorithms/Td3.cs):
a layer is y = x W + b with W stored in x out; actions live in [-1, 1] (the policy's space), so the actor is
mu(s) = tanh(f(s)); the target action is clip(mu_target(s2) + clip(0.2 eps2, -0.5, 0.5), -1, 1); the critic loss is
the sum of the two critics' mean squared errors against y = r + gamma (1 - d) min_i Q_target_i(s2, a2); on every second
update the actor minimizes -mean Q1(s, mu(s)) (critic parameters held) and then both targets move by tau.
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_nets import ACT, ADAM_EPS, BATCH, BETAS, GAMMA, HIDDEN, OBS, OUT, TAU, batch_json, dump, make_batch, mlp, mlp_params, target_copy

torch.set_default_dtype(torch.float64)

UPDATES = 3
LR_ACTOR, LR_CRITIC = 5e-4, 1e-3
POLICY_DELAY, TARGET_NOISE, NOISE_CLIP = 2, 0.2, 0.5


def make_td3_batch(gen):
    s, a, r, s2, d, eps, eps2 = make_batch(gen)
    # Noise large enough that the smoothing clip (|0.2 eps| > 0.5) binds for some entries.
    eps2[0, 0], eps2[3, 1], eps2[6, 0] = 3.1, -2.9, 4.0
    return s, a, r, s2, d, eps, eps2


def main():
    gen = torch.Generator().manual_seed(3)
    pi = mlp_params(gen, "pi", [OBS] + HIDDEN + [ACT])
    with torch.no_grad():
        # Push action 1 toward tanh's upper end for some states, so the target action's clip to [-1, 1] binds.
        pi[-1][1][0, 1] += 2.0
    q1 = mlp_params(gen, "q1", [OBS + ACT] + HIDDEN + [1])
    q2 = mlp_params(gen, "q2", [OBS + ACT] + HIDDEN + [1])
    pi_target = target_copy(gen, pi, "pi.", "pi_target.")
    q1_target = target_copy(gen, q1, "q1.", "q1_target.")
    q2_target = target_copy(gen, q2, "q2.", "q2_target.")
    batches = [make_td3_batch(gen) for _ in range(UPDATES)]
    every = lambda: {**dump(pi), **dump(q1), **dump(q2), **dump(pi_target), **dump(q1_target), **dump(q2_target)}
    fixture = {
        "config": {"version": 3, "obs": OBS, "act": ACT, "hidden": HIDDEN, "batch": BATCH, "gamma": GAMMA, "tau": TAU,
                   "lr_actor": LR_ACTOR, "lr_critic": LR_CRITIC, "policy_delay": POLICY_DELAY, "target_noise": TARGET_NOISE,
                   "noise_clip": NOISE_CLIP, "updates": UPDATES, "torch": torch.__version__},
        "weights": every(),
        "batches": [batch_json(*b) for b in batches],
    }
    expected = {}
    critic_opt = torch.optim.Adam([p for _, p in q1 + q2], lr=LR_CRITIC, betas=BETAS, eps=ADAM_EPS)
    actor_opt = torch.optim.Adam([p for _, p in pi], lr=LR_ACTOR, betas=BETAS, eps=ADAM_EPS)
    clipped = 0
    for u, (s, a, r, s2, d, _, eps2) in enumerate(batches):
        with torch.no_grad():
            noise = (TARGET_NOISE * eps2).clamp(-NOISE_CLIP, NOISE_CLIP)
            raw = torch.tanh(mlp(pi_target, s2)) + noise
            clipped += int((raw.abs() > 1).sum()) + int(((TARGET_NOISE * eps2).abs() > NOISE_CLIP).sum())
            a2 = raw.clamp(-1.0, 1.0)
            sa2 = torch.cat([s2, a2], 1)
            y = r + GAMMA * (1 - d) * torch.min(mlp(q1_target, sa2), mlp(q2_target, sa2))
        sa = torch.cat([s, a], 1)
        j_q = F.mse_loss(mlp(q1, sa), y) + F.mse_loss(mlp(q2, sa), y)
        critic_opt.zero_grad()
        j_q.backward()
        critic_opt.step()
        expected[f"update{u}.loss.critic"] = j_q.item()
        if (u + 1) % POLICY_DELAY == 0:
            j_pi = -mlp(q1, torch.cat([s, torch.tanh(mlp(pi, s))], 1), detach=True).mean()
            actor_opt.zero_grad()
            j_pi.backward()
            actor_opt.step()
            expected[f"update{u}.loss.actor"] = j_pi.item()
            with torch.no_grad():
                for target, source in ((pi_target, pi), (q1_target, q1), (q2_target, q2)):
                    for (_, tp), (_, p) in zip(target, source):
                        tp.mul_(1 - TAU).add_(TAU * p)
        expected.update({f"update{u}.after.{k}": x["data"] for k, x in every().items()})
    assert clipped > 0, "the clips must bind somewhere, or the fixture does not test them"
    fixture["expected"] = expected
    with open(os.path.join(OUT, "td3.json"), "w") as f:
        json.dump(fixture, f, indent=1)
    print(f"wrote td3.json ({clipped} clipped entries)")


if __name__ == "__main__":
    main()
