// S4NN and BS4NN online training, step by step, against the float64 re-statement of the authors'
// step (ttfs-ref64.ts): same initial weights, the same MNIST images in the same order. Every spike
// time of every layer must agree at every step, and the weights may differ only by float32 rounding
// (ours) against float64 (theirs). A change of the rule (the update order, the mask's < against <=,
// the scale's sum, the targets, the normalisation) moves spike times within these steps or the
// weights past the rounding bound. Measured: back-propagating through the weights from before this
// step's update instead of after it (the one subtle point of the reference order) moves spike times
// from step 77 (S4NN) / 174 (BS4NN) on, and BS4NN's hidden weights 130 times past the bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BS4NN_DEFAULTS } from '../../src/algorithms/bs4nn.js';
import { S4NN_DEFAULTS } from '../../src/algorithms/s4nn.js';
import type { TtfsConfig } from '../../src/algorithms/ttfs/config.js';
import { runParity } from './ttfs-ref64.js';

const STEPS = 300;
// float32 weights drift from float64 ones by rounding: about |w| 2^-24 per step that touches them,
// as a random walk. Bound: max|w| 2^-24 times the step count (the worst case of a straight walk,
// well above the random walk's square root, yet far below what a changed rule does).
const bound = (maxW: number) => maxW * 2 ** -24 * STEPS;

// bs4nn with per-neuron scales (ours, not the authors'): alpha_lr raised so that thresholds move within the steps
const CASES: [string, TtfsConfig][] = [['s4nn', S4NN_DEFAULTS], ['bs4nn', BS4NN_DEFAULTS],
  ['bs4nn --binary-scale filter', { ...BS4NN_DEFAULTS, binaryScale: 'filter', alphaLr: [2, 0.05] }]];
for (const [name, defaults] of CASES) {
  test(`${name}: ${STEPS} online steps equal the step restated in float64 (every spike time; weights to float32 rounding)`, () => {
    const r = runParity({ ...defaults, hidden: [120] }, STEPS);
    assert.equal(r.timeMismatches, 0, `spike times differ from step ${r.firstMismatch} on`);
    r.dw.forEach((d, l) => assert.ok(d <= bound(r.maxW[l]), `layer ${l}: max |w_ours - w_ref| = ${d} > ${bound(r.maxW[l])} (max |w| ${r.maxW[l]})`));
    // alpha's steps are alphaLr times float32 products of delta (ours) against float64 ones
    if (defaults.binary) r.dAlpha.forEach((d, l) => assert.ok(d <= bound(defaults.alphaInit[l]) * Math.max(0.05, defaults.alphaLr[l]), `layer ${l}: alpha differs by ${d}`));
  });
}
