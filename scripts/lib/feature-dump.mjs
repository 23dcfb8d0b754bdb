// The file layout scripts/stidi-linear-readout.py reads, written for the training and test sets: <out>-<split>.u16
// (one row of nF spike times per image, the read-out's inputs), <out>-<split>-out.u16 (the network's own output spike
// times), <out>-<split>-labels.u8, and <out>.json (`info` plus the image counts). `run(images, offset)` runs one image
// and returns [features, output times] (typed arrays, read before the next call).
import { writeFileSync } from 'node:fs';
import { loadDataset } from '../../dist/src/data/index.js';

export function dumpFeatures(out, dataset, info, nF, nClasses, run) {
  for (const split of ['train', 'test']) {
    const d = loadDataset(dataset, split), pixels = d.channels * d.height * d.width;
    const feats = new Uint16Array(d.count * nF), outT = new Uint16Array(d.count * nClasses);
    for (let i = 0; i < d.count; i++) {
      const [f, o] = run(d.images, i * pixels);
      feats.set(f.subarray(0, nF), i * nF);
      outT.set(o.subarray(0, nClasses), i * nClasses);
    }
    writeFileSync(`${out}-${split}.u16`, feats);
    writeFileSync(`${out}-${split}-out.u16`, outT);
    writeFileSync(`${out}-${split}-labels.u8`, d.labels);
    info[split] = d.count;
  }
  writeFileSync(`${out}.json`, JSON.stringify(info, null, 1));
  console.log(JSON.stringify(info));
}
