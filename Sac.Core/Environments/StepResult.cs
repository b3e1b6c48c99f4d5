namespace Sac.Core.Environments;

/// <summary>
/// What one <see cref="IEnvironment.Step"/> returns besides the next observation: Gymnasium's
/// <c>(reward, terminated, truncated)</c>.
/// </summary>
/// <param name="Reward">The reward r(s, a) for the transition just taken.</param>
/// <param name="Terminated">
/// The MDP reached a terminal state (e.g. MountainCar's goal): there is no future, so the value target is just r.
/// </param>
/// <param name="Truncated">
/// The episode was cut off from outside the MDP (a <see cref="TimeLimit"/>): the state still has a future.
/// CRUCIAL: a learner must bootstrap through truncation (target r + γ·V(s′)) but not through termination (target r);
/// treating a time-limit cut as terminal biases the critic. Both flags can be true on the same step.
/// </param>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated);
