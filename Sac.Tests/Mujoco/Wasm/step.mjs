// Steps the official MuJoCo WebAssembly build from states Sac recorded, as Gymnasium steps a v5 task: set qpos, qvel,
// qacc_warmstart and ctrl, call mj_step frame_skip times, then mj_rnePostConstraint (which fills cfrc_ext).
// Usage: node step.mjs <input.json> <output.json>
//   input:  { "xml": "...", "frameSkip": 5, "steps": [{ "qpos": [...], "qvel": [...], "warmstart": [...], "ctrl": [...] }] }
//   output: { "version": "3.14.0", "steps": [{ "qpos": [...], "qvel": [...], "cfrcExt": [...] }] }
import loadMujoco from '@mujoco/mujoco';
import fs from 'fs';

const [input, output] = process.argv.slice(2);
const request = JSON.parse(fs.readFileSync(input, 'utf8'));
const mj = await loadMujoco();
const model = mj.MjModel.from_xml_string(request.xml);
const data = new mj.MjData(model);
const set = (target, values) => values.forEach((x, i) => { target[i] = x; });
const steps = request.steps.map(s => {
  set(data.qpos, s.qpos);
  set(data.qvel, s.qvel);
  set(data.qacc_warmstart, s.warmstart);
  set(data.ctrl, s.ctrl);
  for (let k = 0; k < request.frameSkip; k++) mj.mj_step(model, data);
  mj.mj_rnePostConstraint(model, data);
  return { qpos: Array.from(data.qpos), qvel: Array.from(data.qvel), cfrcExt: Array.from(data.cfrc_ext) };
});
fs.writeFileSync(output, JSON.stringify({ version: mj.mj_versionString(), steps }));
data.delete();
model.delete();
