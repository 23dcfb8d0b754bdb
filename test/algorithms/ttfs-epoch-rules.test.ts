// The two end-of-epoch rules of the time-to-first-spike trainers that are not in the reference codes'
// defaults: --eta-decay (learning rates eta · decay^epoch) and --dead-neuron-reinit revive (a dead hidden
// neuron's input weights redrawn as in S4NN, and its outgoing weights zeroed so the network's function does
// not jump when it wakes; docs/ttfs.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TtfsNetwork } from '../../src/algorithms/ttfs/network.js';
import type { TtfsConfig } from '../../src/algorithms/ttfs/config.js';
import { S4NN_DEFAULTS } from '../../src/algorithms/s4nn.js';
import { BS4NN_DEFAULTS } from '../../src/algorithms/bs4nn.js';
import { TtfsModel } from '../../src/algorithms/ttfs/model.js';
import type { Arena } from '../../src/wasm/arena.js';
import { kernelEnv, xorshift } from '../helpers.js';

const N_IN = 64, HIDDEN = 12, CLASSES = 4;

function setup(over: Partial<TtfsConfig>, seed = 5): { net: TtfsNetwork; arena: Arena } {
  const { k, arena } = kernelEnv();
  const cfg: TtfsConfig = { ...S4NN_DEFAULTS, hidden: [HIDDEN], theta: [20, 8], init: [[0, 2], [0, 4]], ...over };
  const net = new TtfsNetwork(arena, k, N_IN, CLASSES, cfg);
  net.initialise(seed);
  return { net, arena };
}
const network = (over: Partial<TtfsConfig>, seed = 5): TtfsNetwork => setup(over, seed).net;

const weights = (net: TtfsNetwork) => net.exportWeights().map((w) => [...w]);

function image(seed: number): Uint8Array {
  const r = xorshift(seed);
  return Uint8Array.from({ length: N_IN }, () => (r() < 0.4 ? Math.floor(r() * 256) : 0));
}

for (const [name, defaults] of [['s4nn', S4NN_DEFAULTS], ['bs4nn', BS4NN_DEFAULTS]] as const) {
  test(`${name}: an update at etaScale s equals an update with every eta times s (and differs from s = 1)`, () => {
    const base = { ...defaults, hidden: [HIDDEN], theta: [20, 8], init: [[0, 2], [-4, 4]] as [number, number][], lambda: [1e-3, 1e-3] };
    const scaled = network({ ...base, eta: [0.2, 0.4], alphaLr: [0.02, 0.04] });
    scaled.etaScale = 0.5;
    const halved = network({ ...base, eta: [0.1, 0.2], alphaLr: [0.01, 0.02] });
    const plain = network({ ...base, eta: [0.2, 0.4], alphaLr: [0.02, 0.04] });
    for (let s = 0; s < 20; s++) {
      const img = image(100 + s), label = s % CLASSES;
      for (const net of [scaled, halved, plain]) { net.forward(net.main, img, 0); net.trainStep(net.main, label); }
    }
    for (const net of [scaled, halved, plain]) net.fold();
    assert.deepEqual(weights(scaled), weights(halved));
    assert.notDeepEqual(weights(scaled), weights(plain));
    if (defaults.binary) assert.deepEqual([scaled.alpha(0), scaled.alpha(1)], [halved.alpha(0), halved.alpha(1)]);
  });
}

test('dead-neuron rules: inputs redraws input weights, revive also zeroes outgoing weights, off leaves both', () => {
  const dead = [2, 7];
  const results = Object.fromEntries((['inputs', 'revive', 'off'] as const).map((rule) => {
    const { net, arena } = setup({ deadNeuronReinit: rule });
    const before = weights(net);
    // every hidden neuron fired on 500 of 1,000 samples, except the dead ones (0 < 0.1% of 1,000)
    const fc = arena.view(net.main.fireCount);
    fc.fill(500); for (const j of dead) fc[j] = 0;
    const reset = net.endEpoch(9, 0, 1000);
    return [rule, { reset, before, after: weights(net) }];
  }));
  for (const rule of ['inputs', 'revive', 'off']) {
    const { reset, before, after } = results[rule];
    assert.equal(reset, rule === 'off' ? 0 : dead.length, `${rule}: neurons reset`);
    for (let j = 0; j < HIDDEN; j++) {
      // exportWeights: [nOut][nIn] row-major; layer 0 row j = hidden neuron j's inputs; layer 1 column j = its outputs
      const inRow = (w: number[]) => w.slice(j * N_IN, (j + 1) * N_IN);
      const outCol = (w: number[]) => Array.from({ length: CLASSES }, (_, c) => w[c * HIDDEN + j]);
      const isDead = dead.includes(j) && rule !== 'off';
      if (isDead) {
        assert.notDeepEqual(inRow(after[0]), inRow(before[0]), `${rule}: neuron ${j} inputs redrawn`);
        assert.ok(inRow(after[0]).every((w) => w >= 0 && w <= 2), `${rule}: redrawn from the init range`);
      } else assert.deepEqual(inRow(after[0]), inRow(before[0]), `${rule}: neuron ${j} inputs kept`);
      const wantOut = isDead && rule === 'revive' ? [0, 0, 0, 0] : outCol(before[1]);
      assert.deepEqual(outCol(after[1]), wantOut, `${rule}: neuron ${j} outgoing weights`);
    }
  }
  // the redrawn input weights are the same draw under both rules
  assert.deepEqual(results.inputs.after[0], results.revive.after[0]);
});

test('the model sets etaScale = decay^(epochs completed) at each epoch end, and checkpoints carry it', () => {
  const { k, arena } = kernelEnv();
  const cfg: TtfsConfig = { ...S4NN_DEFAULTS, hidden: [HIDDEN], etaDecay: 0.9 };
  const model = new TtfsModel({ arena, kernels: k, nInput: N_IN, nClasses: CLASSES }, cfg);
  model.initialise(1);
  assert.equal(model.net.etaScale, 1, 'epoch 0 trains at the full rate');
  let want = 1;
  for (let e = 0; e < 3; e++) {
    want *= 0.9;
    const out = model.endEpoch(1, e, 0);
    assert.equal(model.net.etaScale, want, `after epoch ${e}`);
    assert.equal(out.etaScale, want);
  }
  const state = model.state();
  const fresh = kernelEnv();
  const resumed = new TtfsModel({ arena: fresh.arena, kernels: fresh.k, nInput: N_IN, nClasses: CLASSES }, cfg);
  resumed.loadState(state);
  assert.equal(resumed.net.etaScale, want, 'a resumed run continues the schedule');
});
