// STiDi-BP speed: online training samples/s (real and binary CSNN, the stidi-mnist architecture,
// --workers 1), and the event-driven forward against the time-stepped forward of the same network
// (same weights, same images), per image, with the share of images whose output spike times agree.
import { type Benchmark, fmt, pick, sig, stat, timeInterleaved } from './lib.js';
import { ALGORITHMS } from '../src/algorithms/registry.js';
import { createSession } from '../src/session.js';
import { loadDataset } from '../src/data/index.js';
import type { StidiModel } from '../src/algorithms/stidi/model.js';

export const stidi: Benchmark = {
  name: 'stidi',
  title: 'STiDi-BP: training throughput; event-driven vs time-stepped forward',
  about: 'stidi-mnist (conv 5x5 16 maps, pool 2, FC 10; tau 64, tmax 256): samples/s of online training on the first MNIST training images (real and --binary), after a warm-up slice; then forward-only ms per image of the event-driven kernels against the time-stepped kernels on the trained network, interleaved, and how often the two give identical output spike times.',
  async run(ctx) {
    const P = pick(ctx.quick, { warm: 500, train: 3000, repeats: 2, images: 200 }, { warm: 50, train: 300, repeats: 1, images: 20 });
    const tr = loadDataset('mnist', 'train'), te = loadDataset('mnist', 'test');
    const px = 784;
    const results: Record<string, unknown> = {};
    const summary: string[] = [];
    let trained: StidiModel | null = null;
    for (const binary of [false, true]) {
      const sps: number[] = [];
      for (let r = 0; r < P.repeats; r++) {
        const s = createSession(ALGORITHMS.stidi, 'mnist', { binary }, { shards: 1 });
        const m = s.model as StidiModel;
        m.initialise(1);
        for (let i = 0; i < P.warm; i++) m.trainSample(tr.images, i * px, tr.labels[i]);
        const t0 = performance.now();
        for (let i = P.warm; i < P.warm + P.train; i++) m.trainSample(tr.images, i * px, tr.labels[i]);
        sps.push(P.train / ((performance.now() - t0) / 1000));
        if (!binary) trained = m;
      }
      const st = stat(sps);
      const key = binary ? 'trainBinary' : 'trainReal';
      results[key] = { samplesPerSecond: st, epochSeconds: sig(60000 / st.median) };
      summary.push(`${binary ? 'binary' : 'real'} CSNN online training: ${fmt(st.median)} samples/s (median of ${st.n}; ${fmt(60000 / st.median)} s per 60k-sample epoch)`);
      ctx.log(summary[summary.length - 1]);
    }
    // forward only, on the network trained above: event-driven vs time-stepped
    const net = trained!.net, ws = net.main;
    let agree = 0;
    for (let i = 0; i < P.images; i++) {
      net.forward(ws, te.images, i * px);
      const a = Array.from(net.outputTimes(ws));
      net.forward(ws, te.images, i * px, true);
      if (a.every((t, k) => t === net.outputTimes(ws)[k])) agree++;
    }
    let next = 0;
    const fwd = (stepped: boolean) => () => { net.forward(ws, te.images, (next++ % P.images) * px, stepped); };
    const timed = timeInterleaved({ eventDriven: fwd(false), timeStepped: fwd(true) }, pick(ctx.quick, { warmMs: 300, roundMs: 300, rounds: 7 }, { warmMs: 30, roundMs: 30, rounds: 2 }));
    const ev = timed.eventDriven.perCallMs.median, stp = timed.timeStepped.perCallMs.median;
    results.forward = { eventDrivenMs: timed.eventDriven.perCallMs, timeSteppedMs: timed.timeStepped.perCallMs, speedup: sig(stp / ev), outputTimesAgree: `${agree}/${P.images}` };
    summary.push(`forward per image: event-driven ${fmt(ev)} ms, time-stepped ${fmt(stp)} ms (${fmt(stp / ev)}x); identical output spike times on ${agree}/${P.images} test images`);
    ctx.log(summary[summary.length - 1]);
    return { params: { ...P, model: 'stidi-mnist', tau: 64, tmax: 256, workers: 1 }, results, summary };
  },
};
