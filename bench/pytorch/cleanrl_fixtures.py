#!/usr/bin/env python3
"""Writes the PyTorch parity fixture for SAC v2 with CleanRL's update (Sac.Tests/Fixtures/sac_v2_cleanrl.json): two
updates in float64, transcribed from CleanRL's sac_continuous_action.py (the training block of its main loop).

PyTorch autograd is the independent oracle; Sac's NUnit test loads the file and must match to 1e-6 relative error (it
never runs Python). The first update is one where global_step % policy_frequency != 0 (the critics and the targets
step), the second one where it is 0: then the actor and the temperature step policy_frequency = 2 times in a row.

Regenerate (Debian's PyTorch; nothing from pip):
    apt-get install -y python3-torch
    /usr/bin/python3 bench/pytorch/cleanrl_fixtures.py

CleanRL's update, and how Sac runs it (SacOptions: PolicyFrequency 2, TemperatureLoss.Alpha, TemperatureSample.Fresh,
LogStdBounding.Tanh with LogStdMin -5, JacobianEpsilon 1e-6):
- the policy: log_std = -5 + 3.5 (tanh x + 1); log pi = log N(u; mu, std) - sum log(1 - a^2 + 1e-6) (action_scale 1);
- the critics regress on r + gamma (1 - d) (min_i Q_target_i(s2, a2) - alpha log pi(a2|s2)), a2 a sample with eps2.
  CleanRL's loss is mse(Q1) + mse(Q2); Sac's, as SB3's, is half of it, and this transcription takes Sac's: Adam's step
  is then the same but for its epsilon (1e-8 against |g|, halved), which moves a weight with |g| ~ 1e-6 by ~1e-6 of its
  step, and no more (the one deviation from CleanRL's code). The critics' loss is compared as CleanRL logs it,
  qf_loss / 2;
- on a policy update, twice: the actor steps on mean(alpha log pi - min_i Q_i(s, a)) with fresh noise, against the
  stepped critics; then log alpha steps on -exp(log alpha) (log pi + H) with log pi from a fresh sample (no grad) of the
  stepped actor, and alpha is read again;
- then the targets move by tau (target_network_frequency 1).
The noise CleanRL draws inside get_action is given here explicitly, in the order Sac's batch holds it: eps (the first
actor step), eps2 (the target), then eps3 (the second actor step), eps4 and eps5 (the two temperature samples).
"""
import json
import math
import os

import torch

from fixture_nets import ACT, ADAM_EPS, BATCH, BETAS, GAMMA, HIDDEN, OBS, OUT, TAU, batch_json, dump, make_batch, mlp, mlp_params, target_copy

torch.set_default_dtype(torch.float64)

UPDATES = 2
POLICY_FREQUENCY = 2
LR_ACTOR, LR_CRITIC = 3e-4, 1e-3  # CleanRL: policy_lr, q_lr (the temperature's optimizer uses q_lr)
LOG_STD_MIN, LOG_STD_MAX, JACOBIAN_EPS = -5.0, 2.0, 1e-6
INITIAL_ALPHA = 0.7  # CleanRL starts at 1 (log_alpha = 0); another value makes a wrong start visible


def get_action(pi, s, eps):
    """CleanRL's Actor.get_action with the normal draw given (x_t = mean + std eps, as Normal.rsample computes it)."""
    out = mlp(pi, s)
    mean, log_std = out[:, :ACT], torch.tanh(out[:, ACT:])
    log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (log_std + 1)
    std = log_std.exp()
    x_t = mean + std * eps
    y_t = torch.tanh(x_t)
    log_prob = torch.distributions.Normal(mean, std).log_prob(x_t)
    log_prob = log_prob - torch.log(1.0 * (1 - y_t.pow(2)) + JACOBIAN_EPS)
    return y_t, log_prob.sum(1, keepdim=True)


def main():
    gen = torch.Generator().manual_seed(5)
    pi = mlp_params(gen, "pi", [OBS] + HIDDEN + [2 * ACT])
    q1 = mlp_params(gen, "q1", [OBS + ACT] + HIDDEN + [1])
    q2 = mlp_params(gen, "q2", [OBS + ACT] + HIDDEN + [1])
    q1_target = target_copy(gen, q1, "q1.", "q1_target.")
    q2_target = target_copy(gen, q2, "q2.", "q2_target.")
    log_alpha = [("log_alpha", torch.full((1, 1), math.log(INITIAL_ALPHA)).requires_grad_())]
    batches = []
    for _ in range(UPDATES):
        s, a, r, s2, d, eps, eps2 = make_batch(gen)
        extra = [torch.randn(BATCH, ACT, generator=gen) for _ in range(3)]
        batches.append((s, a, r, s2, d, eps, eps2, extra))
    every = lambda: {**dump(pi), **dump(q1), **dump(q2), **dump(q1_target), **dump(q2_target), **dump(log_alpha)}
    t = lambda x: {"rows": x.shape[0], "cols": x.shape[1], "data": x.reshape(-1).tolist()}
    fixture = {
        "config": {"version": 2, "obs": OBS, "act": ACT, "hidden": HIDDEN, "batch": BATCH, "gamma": GAMMA, "tau": TAU,
                   "lr_actor": LR_ACTOR, "lr_critic": LR_CRITIC, "lr_alpha": LR_CRITIC, "initial_alpha": INITIAL_ALPHA,
                   "target_entropy": -ACT, "policy_frequency": POLICY_FREQUENCY, "log_std_min": LOG_STD_MIN,
                   "log_std_max": LOG_STD_MAX, "log_std_bounding": "tanh", "jacobian_epsilon": JACOBIAN_EPS,
                   "temperature_loss": "alpha", "temperature_sample": "fresh", "updates": UPDATES, "torch": torch.__version__},
        "weights": every(),
        "batches": [{**batch_json(s, a, r, s2, d, eps, eps2), "extra": [t(e) for e in extra]} for (s, a, r, s2, d, eps, eps2, extra) in batches],
    }
    q_optimizer = torch.optim.Adam([p for _, p in q1 + q2], lr=LR_CRITIC, betas=BETAS, eps=ADAM_EPS)
    actor_optimizer = torch.optim.Adam([p for _, p in pi], lr=LR_ACTOR, betas=BETAS, eps=ADAM_EPS)
    a_optimizer = torch.optim.Adam([log_alpha[0][1]], lr=LR_CRITIC, betas=BETAS, eps=ADAM_EPS)
    target_entropy = -ACT
    alpha = log_alpha[0][1].exp().item()
    expected = {}
    for u, (s, a, r, s2, d, eps, eps2, extra) in enumerate(batches):
        with torch.no_grad():
            next_state_actions, next_state_log_pi = get_action(pi, s2, eps2)
            sa2 = torch.cat([s2, next_state_actions], 1)
            min_qf_next_target = torch.min(mlp(q1_target, sa2), mlp(q2_target, sa2)) - alpha * next_state_log_pi
            next_q_value = r.flatten() + (1 - d.flatten()) * GAMMA * min_qf_next_target.view(-1)
        sa = torch.cat([s, a], 1)
        qf1_a_values = mlp(q1, sa).view(-1)
        qf2_a_values = mlp(q2, sa).view(-1)
        qf_loss = torch.nn.functional.mse_loss(qf1_a_values, next_q_value) + torch.nn.functional.mse_loss(qf2_a_values, next_q_value)
        q_optimizer.zero_grad()
        (qf_loss / 2.0).backward()  # Sac's (and SB3's) scale; CleanRL: qf_loss.backward()
        q_optimizer.step()
        expected[f"update{u}.loss.critic"] = qf_loss.item() / 2.0  # CleanRL's own log: losses/qf_loss

        if (u + 1) % POLICY_FREQUENCY == 0:  # CleanRL: global_step % policy_frequency == 0
            actor_noise = [eps, extra[0]]
            alpha_noise = [extra[1], extra[2]]
            for k in range(POLICY_FREQUENCY):
                pi_a, log_pi = get_action(pi, s, actor_noise[k])
                sa_pi = torch.cat([s, pi_a], 1)
                min_qf_pi = torch.min(mlp(q1, sa_pi, detach=True), mlp(q2, sa_pi, detach=True))
                actor_loss = ((alpha * log_pi) - min_qf_pi).mean()
                actor_optimizer.zero_grad()
                actor_loss.backward()
                actor_optimizer.step()
                with torch.no_grad():
                    _, log_pi = get_action(pi, s, alpha_noise[k])
                alpha_loss = (-log_alpha[0][1].exp() * (log_pi + target_entropy)).mean()
                a_optimizer.zero_grad()
                alpha_loss.backward()
                a_optimizer.step()
                alpha = log_alpha[0][1].exp().item()
            expected[f"update{u}.loss.actor"] = actor_loss.item()
            expected[f"update{u}.loss.alpha"] = alpha_loss.item()

        with torch.no_grad():
            for (_, tp), (_, p) in zip(q1_target + q2_target, q1 + q2):
                tp.copy_(TAU * p + (1 - TAU) * tp)
        expected.update({f"update{u}.after.{k}": x["data"] for k, x in every().items()})
    fixture["expected"] = expected
    with open(os.path.join(OUT, "sac_v2_cleanrl.json"), "w") as f:
        json.dump(fixture, f, indent=1)
    print("wrote sac_v2_cleanrl.json")


if __name__ == "__main__":
    main()
