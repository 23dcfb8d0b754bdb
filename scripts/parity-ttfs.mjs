// Long-run form of test/algorithms/ttfs-parity.test.ts: our S4NN / BS4NN online training against the
// float64 re-statement of the authors' step (test/algorithms/ttfs-ref64.ts), same initial weights and
// images, at the full architecture. Reports the first step at which a spike time differs (float32
// against float64 rounding eventually flips a near-threshold crossing, after which the two runs
// diverge like any chaotic system), the weight differences and alpha.
//
//   node scripts/parity-ttfs.mjs s4nn|bs4nn [steps] [hidden]      (after npm run build; data as the CLI finds it)
import { runParity } from '../dist/test/algorithms/ttfs-ref64.js';
import { BS4NN_DEFAULTS } from '../dist/src/algorithms/bs4nn.js';
import { S4NN_DEFAULTS } from '../dist/src/algorithms/s4nn.js';

const algo = process.argv[2] ?? 'bs4nn';
const cfg = { ...(algo === 'bs4nn' ? BS4NN_DEFAULTS : S4NN_DEFAULTS) };
const steps = Number(process.argv[3] ?? 2000);
if (process.argv[4]) cfg.hidden = [Number(process.argv[4])];
const r = runParity(cfg, steps);
console.log(`${algo} 784-${cfg.hidden.join('-')}-10, ${steps} online steps from the same seed-0 weights:`);
console.log(`  spike times differing: ${r.timeMismatches} (first at step ${r.firstMismatch < 0 ? 'none' : r.firstMismatch})`);
r.dw.forEach((d, l) => console.log(`  layer ${l}: max |w_ours - w_ref| ${d.toExponential(2)}, max |w| ${r.maxW[l].toFixed(2)}` +
  (cfg.binary ? `, |alpha_ours - alpha_ref| ${r.dAlpha[l].toExponential(2)}` : '')));
