// A plain NIR interpreter for tests: runs a graph read back from its file step by step in float64, from NIR's
// node definitions alone (discrete time, dt = 1, edges instantaneous, a node's input the sum of its incoming
// edges), with none of snnwasm's kernels or layouts. Nodes: Input, Output, Linear, Conv2d, IF, Threshold,
// SumPool2d, Flatten, Delay (integer delays). It works out shapes itself rather than import the exporter's
// outputShape (src/interop/nir-graph.ts): an oracle that shares the code under test would share its mistakes.
import type { NirGraph, NirNode } from '../../src/interop/nir-graph.js';

interface State { node: NirNode; name: string; shape: number[]; v?: Float64Array; buf?: Float64Array[] }

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

function conv2d(n: Extract<NirNode, { type: 'Conv2d' }>, x: Float64Array, inShape: number[], outShape: number[]): Float64Array {
  const [co, cig, kh, kw] = n.weight.shape, [, H, W] = inShape, [, Ho, Wo] = outShape, w = n.weight.data;
  const y = new Float64Array(prod(outShape)), coPerG = co / n.groups;
  for (let o = 0; o < co; o++) {
    const g = Math.floor(o / coPerG);
    for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
      let s = n.bias[o];
      for (let ci = 0; ci < cig; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
        const iy = oy * n.stride[0] - n.padding[0] + ky * n.dilation[0], ix = ox * n.stride[1] - n.padding[1] + kx * n.dilation[1];
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
        s += w[((o * cig + ci) * kh + ky) * kw + kx] * x[((g * cig + ci) * H + iy) * W + ix];
      }
      y[(o * Ho + oy) * Wo + ox] = s;
    }
  }
  return y;
}

export class NirSim {
  private readonly order: State[] = [];
  private readonly inputs = new Map<string, string[]>();
  private readonly out = new Map<string, Float64Array>();

  constructor(graph: NirGraph) {
    const byName = new Map(graph.nodes);
    for (const [a, b] of graph.edges) this.inputs.set(b, [...(this.inputs.get(b) ?? []), a]);
    // topological order (Kahn), shapes forward from the Input nodes
    const shapes = new Map<string, number[]>();
    const indeg = new Map(graph.nodes.map(([n]) => [n, (this.inputs.get(n) ?? []).length]));
    const ready = graph.nodes.filter(([n]) => indeg.get(n) === 0).map(([n]) => n);
    while (ready.length) {
      const name = ready.shift()!, node = byName.get(name)!;
      const inShape = node.type === 'Input' ? node.shape : shapes.get(this.inputs.get(name)![0])!;
      const shape = outShapeOf(node, inShape);
      shapes.set(name, shape);
      const st: State = { node, name, shape };
      if (node.type === 'IF') st.v = new Float64Array(prod(shape));
      if (node.type === 'Delay') st.buf = Array.from({ length: Math.max(...node.delay.data) + 1 }, () => new Float64Array(prod(shape)));
      this.order.push(st);
      for (const [a, b] of graph.edges) if (a === name) { indeg.set(b, indeg.get(b)! - 1); if (indeg.get(b) === 0) ready.push(b); }
    }
    if (this.order.length !== graph.nodes.length) throw new Error('NIR graph has a cycle or an unreachable node');
  }

  /** The value node `name` produced in the last step. */
  value(name: string): Float64Array { const v = this.out.get(name); if (!v) throw new Error(`no node ${name}`); return v; }

  /** One time step: `input` feeds every Input node; returns each Output node's values. */
  step(input: Float64Array): Map<string, Float64Array> {
    const result = new Map<string, Float64Array>();
    for (const st of this.order) {
      const n = st.node;
      let x: Float64Array;
      if (n.type === 'Input') x = input;
      else {
        const src = this.inputs.get(st.name)!;
        x = new Float64Array(this.out.get(src[0])!);
        for (const s of src.slice(1)) { const o = this.out.get(s)!; for (let i = 0; i < x.length; i++) x[i] += o[i]; }
      }
      let y: Float64Array;
      const inShape = n.type === 'Input' ? n.shape : this.order.find((s) => s.name === this.inputs.get(st.name)![0])!.shape;
      switch (n.type) {
        case 'Input': case 'Flatten': y = x; break;
        case 'Output': y = x; result.set(st.name, x); break;
        case 'Linear': {
          const [o, i] = n.weight.shape, w = n.weight.data;
          y = new Float64Array(o);
          for (let c = 0; c < i; c++) if (x[c] !== 0) for (let r = 0; r < o; r++) y[r] += w[r * i + c] * x[c];
          break;
        }
        case 'Conv2d': y = conv2d(n, x, inShape, st.shape); break;
        case 'IF': {
          const v = st.v!;
          y = new Float64Array(v.length);
          for (let i = 0; i < v.length; i++) {
            v[i] += n.r.data[i] * x[i];
            if (v[i] > n.vThreshold.data[i]) { y[i] = 1; v[i] = n.vReset.data[i]; }
          }
          break;
        }
        case 'Threshold': y = x.map((u, i) => (u > n.threshold.data[i] ? 1 : 0)); break;
        case 'SumPool2d': {
          const [C, H, W] = inShape, [, Ho, Wo] = st.shape, [kh, kw] = n.kernelSize;
          y = new Float64Array(prod(st.shape));
          for (let c = 0; c < C; c++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
            let s = 0;
            for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
              const iy = oy * n.stride[0] - n.padding[0] + ky, ix = ox * n.stride[1] - n.padding[1] + kx;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += x[(c * H + iy) * W + ix];
            }
            y[(c * Ho + oy) * Wo + ox] = s;
          }
          break;
        }
        case 'Delay': {
          // buf[d] holds the input of d steps ago: shift, then read each element's own delay
          const buf = st.buf!;
          buf.unshift(buf.pop()!); buf[0].set(x);
          y = new Float64Array(x.length);
          for (let i = 0; i < x.length; i++) y[i] = buf[n.delay.data[i]][i];
          break;
        }
      }
      this.out.set(st.name, y);
    }
    return result;
  }
}

function outShapeOf(n: NirNode, inShape: number[]): number[] {
  switch (n.type) {
    case 'Input': return n.shape;
    case 'Linear': return [n.weight.shape[0]];
    case 'Conv2d': {
      const o = (s: number, k: number, i: number) => Math.floor((s + 2 * n.padding[i] - n.dilation[i] * (k - 1) - 1) / n.stride[i]) + 1;
      return [n.weight.shape[0], o(inShape[1], n.weight.shape[2], 0), o(inShape[2], n.weight.shape[3], 1)];
    }
    case 'SumPool2d': {
      const o = (s: number, i: number) => Math.floor((s + 2 * n.padding[i] - n.kernelSize[i]) / n.stride[i]) + 1;
      return [inShape[0], o(inShape[1], 0), o(inShape[2], 1)];
    }
    case 'Flatten': return [prod(inShape)];
    default: return inShape;
  }
}
