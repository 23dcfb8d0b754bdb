// From an architecture and an input shape to layers with every shape worked out, and the parameter
// tensors in PyTorch's naming order (conv{i}.weight, bn{i}.weight, bn{i}.bias, ..., fc{j}.weight).
import { UsageError } from '../../errors.js';
import type { Layer } from '../../nn/types.js';
import { outSize } from '../../nn/types.js';
import type { LayerSpec } from './models.js';

export interface ImageShape { channels: number; height: number; width: number }

/** One parameter tensor: rows x cols at `offset` floats into the parameter block (4-aligned). */
export interface ParamInfo { name: string; rows: number; cols: number; offset: number; size: number }

export interface Plan {
  layers: Layer[];
  /** per layer: index of its weight in params; for convs also its BN gamma and beta */
  w: number[]; gamma: number[]; beta: number[];
  params: ParamInfo[];
  /** floats in the parameter block */
  paramFloats: number;
  nClasses: number;
}

const pad4 = (n: number) => (n + 3) & ~3;

export function makePlan(specs: LayerSpec[], input: ImageShape, nClasses: number): Plan {
  if (specs.length === 0 || specs[0].kind !== 'conv') throw new UsageError('--model', 'the first layer must be a conv (the SNN\'s analog input)');
  const last = specs[specs.length - 1];
  if (last.kind !== 'fc' || last.out !== nClasses) throw new UsageError('--model', `the last layer must be fc with ${nClasses} outputs`);
  const layers: Layer[] = [];
  const params: ParamInfo[] = [];
  const w: number[] = [], gamma: number[] = [], beta: number[] = [];
  let off = 0, nConv = 0, nFc = 0;
  const add = (name: string, rows: number, cols: number) => {
    params.push({ name, rows, cols, offset: off, size: rows * cols });
    off += pad4(rows * cols);
    return params.length - 1;
  };
  let C = input.channels, H = input.height, W = input.width, flat = false;
  specs.forEach((s, i) => {
    if (s.kind === 'conv') {
      if (flat) throw new UsageError('--model', `layer ${i}: a conv cannot follow an fc`);
      const k = s.k ?? 3, stride = s.stride ?? 1, pad = s.pad ?? 1;
      const Ho = Math.floor((H + 2 * pad - k) / stride) + 1, Wo = Math.floor((W + 2 * pad - k) / stride) + 1;
      if (!(Ho >= 1 && Wo >= 1)) throw new UsageError('--model', `layer ${i}: conv ${k}x${k} on ${H}x${W} leaves nothing`);
      layers.push({ kind: 'conv', cin: C, cout: s.out, k, stride, pad, H, W, Ho, Wo });
      w.push(add(`conv${nConv}.weight`, s.out, C * k * k));
      gamma.push(add(`bn${nConv}.weight`, 1, s.out));
      beta.push(add(`bn${nConv}.bias`, 1, s.out));
      nConv++;
      C = s.out; H = Ho; W = Wo;
    } else if (s.kind === 'pool') {
      if (flat) throw new UsageError('--model', `layer ${i}: a pool cannot follow an fc`);
      if (H < 2 || W < 2) throw new UsageError('--model', `layer ${i}: cannot pool a ${H}x${W} map`);
      layers.push({ kind: 'pool', C, H, W, Ho: H >> 1, Wo: W >> 1 });
      w.push(-1); gamma.push(-1); beta.push(-1);
      H >>= 1; W >>= 1;
    } else {
      const nin = flat ? C : C * H * W;
      flat = true;
      layers.push({ kind: 'fc', nin, nout: s.out, last: i === specs.length - 1 });
      w.push(add(`fc${nFc}.weight`, s.out, nin));
      gamma.push(-1); beta.push(-1);
      nFc++;
      C = s.out; H = 1; W = 1;
    }
  });
  for (const L of layers.slice(0, -1)) if (L.kind === 'fc' && L.last) throw new Error('internal: last flag');
  void outSize;
  return { layers, w, gamma, beta, params, paramFloats: off, nClasses };
}
