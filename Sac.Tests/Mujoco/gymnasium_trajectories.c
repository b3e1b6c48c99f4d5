// Prints the reference trajectories pinned in AssetTests.cs, from Gymnasium's own MJCF files (not Sac's):
//   gcc gymnasium_trajectories.c -o gymnasium_trajectories -lmujoco
//   ./gymnasium_trajectories path/to/gymnasium/envs/mujoco/assets/hopper.xml 300
// From qpos0, 300 calls of mj_step with ctrl[i] = ((7t + 3i) mod 11 − 5) / 5 (exact in binary, no libm), then
// mj_rnePostConstraint; prints the model's sizes and the final qpos and qvel with 17 significant digits.
#include <stdio.h>
#include <stdlib.h>

#include <mujoco/mujoco.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s model.xml steps\n", argv[0]);
    return 2;
  }
  char error[1000];
  mjModel* m = mj_loadXML(argv[1], NULL, error, sizeof(error));
  if (!m) {
    fprintf(stderr, "%s\n", error);
    return 1;
  }
  mjData* d = mj_makeData(m);
  int steps = atoi(argv[2]);
  for (int t = 0; t < steps; t++) {
    for (int i = 0; i < m->nu; i++) {
      d->ctrl[i] = ((t * 7 + i * 3) % 11 - 5) / 5.0;
    }
    mj_step(m, d);
  }
  mj_rnePostConstraint(m, d);
  printf("// nq=%d nv=%d nu=%d nbody=%d timestep=%.17g\n", m->nq, m->nv, m->nu, m->nbody, m->opt.timestep);
  printf("qpos: [");
  for (int i = 0; i < m->nq; i++) printf("%s%.17g", i ? ", " : "", d->qpos[i]);
  printf("]\nqvel: [");
  for (int i = 0; i < m->nv; i++) printf("%s%.17g", i ? ", " : "", d->qvel[i]);
  printf("]\n");
  mj_deleteData(d);
  mj_deleteModel(m);
  return 0;
}
