// NIR (Neuromorphic Intermediate Representation, neuroir.org) graphs as plain records: the nodes this
// project exports and their shapes. A node's fields are NIR's (weight [out][in] / [out][in][kh][kw],
// IF r / v_threshold / v_reset, ...), arrays row-major float32, integer fields plain numbers.
// Semantics we rely on (NIR's definitions, discrete time with dt = 1, edges instantaneous):
//   IF:        v += r * I; z = [v > v_threshold]; where z: v = v_reset
//   Threshold: z = [x > threshold]          SumPool2d: window sums       Delay: x(t - delay)
//   Linear:    W x                          Conv2d: PyTorch's conv2d (cross-correlation) plus bias
//   Flatten:   row-major, dims start_dim..end_dim of the input shape (no batch dimension)
// Our networks' own conventions that NIR has no word for (decision rules, input codes, single spikes)
// travel in the graph's metadata (each algorithm's nir.ts sets the keys; docs/interop.md lists them).
import { UsageError } from '../errors.js';

export interface NirTensor { shape: number[]; data: Float32Array }

export type NirNode =
  | { type: 'Input'; shape: number[] }
  | { type: 'Output'; shape: number[] }
  | { type: 'Linear'; weight: NirTensor }
  | { type: 'Conv2d'; inputShape: [number, number]; weight: NirTensor; bias: Float32Array; stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number }
  | { type: 'IF'; r: NirTensor; vThreshold: NirTensor; vReset: NirTensor }
  | { type: 'Threshold'; threshold: NirTensor }
  | { type: 'SumPool2d'; kernelSize: [number, number]; stride: [number, number]; padding: [number, number] }
  | { type: 'Flatten'; inputType: number[]; startDim: number; endDim: number }
  | { type: 'Delay'; delay: NirTensor };

export type NirMetadata = Record<string, string | number | number[]>;

export interface NirGraph {
  /** node name -> node, in the order the graph runs them */
  nodes: [string, NirNode][];
  edges: [string, string][];
  metadata: NirMetadata;
}

/** A tensor of `shape` filled with `value` (NIR's per-neuron parameters). */
export function filled(shape: number[], value: number): NirTensor {
  return { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value) };
}

/** The output shape of a node given its input shape; throws on a mismatch (an exporter bug). */
export function outputShape(node: NirNode, input: number[]): number[] {
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  const need = (want: number[], what: string) => {
    if (!same(input, want)) throw new Error(`NIR ${node.type}: input shape [${input}] does not match its ${what} [${want}]`);
  };
  switch (node.type) {
    case 'Input': return node.shape;
    case 'Output': need(node.shape, 'shape'); return node.shape;
    case 'Linear': need([node.weight.shape[1]], 'weight columns'); return [node.weight.shape[0]];
    case 'Conv2d': {
      const [co, ci, kh, kw] = node.weight.shape;
      need([ci * node.groups, ...node.inputShape], 'input channels and input_shape');
      const o = (n: number, k: number, i: number) => Math.floor((n + 2 * node.padding[i] - node.dilation[i] * (k - 1) - 1) / node.stride[i]) + 1;
      return [co, o(input[1], kh, 0), o(input[2], kw, 1)];
    }
    case 'IF': need(node.vThreshold.shape, 'v_threshold'); return input;
    case 'Threshold': need(node.threshold.shape, 'threshold'); return input;
    case 'Delay': need(node.delay.shape, 'delay'); return input;
    case 'SumPool2d': {
      const o = (n: number, i: number) => Math.floor((n + 2 * node.padding[i] - node.kernelSize[i]) / node.stride[i]) + 1;
      return [input[0], o(input[1], 0), o(input[2], 1)];
    }
    case 'Flatten': {
      need(node.inputType, 'input_type');
      const end = node.endDim < 0 ? input.length + node.endDim : node.endDim;
      return [...input.slice(0, node.startDim), input.slice(node.startDim, end + 1).reduce((a, b) => a * b, 1), ...input.slice(end + 1)];
    }
  }
}

/** A chain input -> nodes... -> output with edges between neighbours; checks every shape on the way. */
export function sequentialGraph(inputShape: number[], chain: [string, NirNode][], metadata: NirMetadata): NirGraph {
  const nodes: [string, NirNode][] = [['input', { type: 'Input', shape: inputShape }]];
  let shape = inputShape;
  for (const [name, node] of chain) {
    if (name === 'input' || name === 'output' || nodes.some(([n]) => n === name)) throw new Error(`NIR: duplicate node name ${name}`);
    shape = outputShape(node, shape);
    nodes.push([name, node]);
  }
  nodes.push(['output', { type: 'Output', shape }]);
  const edges = nodes.slice(1).map(([name], i): [string, string] => [nodes[i][0], name]);
  return { nodes, edges, metadata };
}

/** Refusal for models without a NIR form, naming the flag that chose them. */
export function noNirForm(algo: string, why: string): never {
  throw new UsageError('--algo', `${algo} cannot be exported to NIR: ${why}`);
}
