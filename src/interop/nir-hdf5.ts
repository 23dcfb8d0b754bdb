// NIR graphs to and from HDF5 files, the layout the Python `nir` package writes and reads (nir.write /
// nir.read): a root dataset `version` and a group `node` for the graph: `type` "NIRGraph", a group `nodes`
// with one group per node (`type` plus the node's fields, snake_case), `edges` an [n, 2] string dataset,
// and `metadata` a group of scalar / string / array datasets. Strings are variable-length UTF-8 (h5py's
// string_dtype); weights gzip-compressed as nir.write does. HDF5 itself comes from h5wasm (the HDF5 C
// library compiled to WebAssembly), so no native code is needed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Group } from 'h5wasm/node';
import { writeFileAtomic } from '../io/index.js';
import { FileFormatError } from '../errors.js';
import type { NirGraph, NirMetadata, NirNode, NirTensor } from './nir-graph.js';

/** The NIR file-format version we write (the `nir` package's version string at the time of writing). */
export const NIR_VERSION = '1.0.6';

/** h5wasm, loaded on first use: importing it costs every CLI start ~0.25 s and 30 MB of memory (measured), and only
 *  `export` and the tests need it. */
async function hdf5(): Promise<typeof import('h5wasm/node').default> {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  return h5wasm;
}

function tensor(g: Group, name: string, t: NirTensor): void {
  const chunked = t.data.length >= 1024; // gzip needs a chunked layout; tiny arrays stay contiguous
  g.create_dataset({ name, data: t.data, shape: t.shape, ...(chunked ? { chunks: t.shape, compression: 'gzip' as const, compression_opts: 4 } : {}) });
}
const ints = (g: Group, name: string, v: number[]) => g.create_dataset({ name, data: BigInt64Array.from(v.map(BigInt)), shape: [v.length] });
const int = (g: Group, name: string, v: number) => g.create_dataset({ name, data: BigInt64Array.of(BigInt(v)), shape: [] });
const str = (g: Group, name: string, v: string) => g.create_dataset({ name, data: v });

function writeNode(g: Group, node: NirNode): void {
  str(g, 'type', node.type);
  switch (node.type) {
    case 'Input': case 'Output': ints(g, 'shape', node.shape); break;
    case 'Linear': tensor(g, 'weight', node.weight); break;
    case 'Conv2d':
      ints(g, 'input_shape', node.inputShape); tensor(g, 'weight', node.weight);
      tensor(g, 'bias', { shape: [node.bias.length], data: node.bias });
      ints(g, 'stride', node.stride); ints(g, 'padding', node.padding); ints(g, 'dilation', node.dilation); int(g, 'groups', node.groups);
      break;
    case 'IF': tensor(g, 'r', node.r); tensor(g, 'v_threshold', node.vThreshold); tensor(g, 'v_reset', node.vReset); break;
    case 'Threshold': tensor(g, 'threshold', node.threshold); break;
    case 'SumPool2d': ints(g, 'kernel_size', node.kernelSize); ints(g, 'stride', node.stride); ints(g, 'padding', node.padding); break;
    case 'Flatten': ints(g, 'input_type', node.inputType); int(g, 'start_dim', node.startDim); int(g, 'end_dim', node.endDim); break;
    case 'Delay': tensor(g, 'delay', node.delay); break;
  }
}

function writeMetadata(g: Group, m: NirMetadata): void {
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'string') str(g, k, v);
    else if (typeof v === 'number') g.create_dataset({ name: k, data: Float64Array.of(v), shape: [] });
    else g.create_dataset({ name: k, data: Float64Array.from(v), shape: [v.length] });
  }
}

/** Writes `graph` to `path` as NIR HDF5; the file appears whole or not at all (temp file, then rename). */
export async function writeNirFile(path: string, graph: NirGraph): Promise<void> {
  const h5wasm = await hdf5();
  const dir = mkdtempSync(join(tmpdir(), 'snnwasm-nir-'));
  try {
    const tmp = join(dir, 'graph.nir');
    const f = new h5wasm.File(tmp, 'w');
    try {
      str(f, 'version', NIR_VERSION);
      const root = f.create_group('node');
      str(root, 'type', 'NIRGraph');
      const nodes = root.create_group('nodes');
      for (const [name, node] of graph.nodes) writeNode(nodes.create_group(name), node);
      root.create_dataset({ name: 'edges', data: graph.edges.flat(), shape: [graph.edges.length, 2] });
      writeMetadata(root.create_group('metadata'), graph.metadata);
    } finally { f.close(); }
    writeFileAtomic(path, readFileSync(tmp));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

// ---- reading (tests, and `snnwasm export --check`-style inspection) ----

function get(g: Group, name: string, file: string, where: string): any {
  const e = g.get(name);
  if (e === null) throw new FileFormatError(file, `${where}: missing "${name}"`);
  return e;
}
function num(v: unknown): number { return typeof v === 'bigint' ? Number(v) : Number(v); }
function readInts(g: Group, name: string, file: string, where: string): number[] {
  const v = get(g, name, file, where).value;
  return (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number | bigint>) : [v]).map(num);
}
function readTensor(g: Group, name: string, file: string, where: string): NirTensor {
  const d = get(g, name, file, where);
  const v = d.value;
  const data = ArrayBuffer.isView(v) ? Float32Array.from(v as unknown as ArrayLike<number>) : Float32Array.of(Number(v));
  return { shape: d.shape ?? [], data };
}
function readStr(g: Group, name: string, file: string, where: string): string {
  const v = get(g, name, file, where).value;
  if (typeof v !== 'string') throw new FileFormatError(file, `${where}/${name}: expected a string`);
  return v;
}
const pair = (v: number[]): [number, number] => [v[0], v[1]];

function readNode(g: Group, file: string, where: string): NirNode {
  const type = readStr(g, 'type', file, where);
  const I = (n: string) => readInts(g, n, file, where), T = (n: string) => readTensor(g, n, file, where);
  switch (type) {
    case 'Input': return { type, shape: I('shape') };
    case 'Output': return { type, shape: I('shape') };
    case 'Linear': return { type, weight: T('weight') };
    case 'Conv2d': return { type, inputShape: pair(I('input_shape')), weight: T('weight'), bias: T('bias').data, stride: pair(I('stride')), padding: pair(I('padding')), dilation: pair(I('dilation')), groups: I('groups')[0] };
    case 'IF': return { type, r: T('r'), vThreshold: T('v_threshold'), vReset: T('v_reset') };
    case 'Threshold': return { type, threshold: T('threshold') };
    case 'SumPool2d': return { type, kernelSize: pair(I('kernel_size')), stride: pair(I('stride')), padding: pair(I('padding')) };
    case 'Flatten': return { type, inputType: I('input_type'), startDim: I('start_dim')[0], endDim: I('end_dim')[0] };
    case 'Delay': return { type, delay: T('delay') };
    default: throw new FileFormatError(file, `${where}: node type "${type}" is not one snnwasm reads`);
  }
}

/** Reads a NIR HDF5 file with the node types this project writes; names the file and node on any problem. */
export async function readNirFile(path: string): Promise<{ version: string; graph: NirGraph }> {
  const h5wasm = await hdf5();
  let f;
  try { f = new h5wasm.File(path, 'r'); } catch (e) { throw new FileFormatError(path, `not an HDF5 file (${(e as Error).message})`); }
  try {
    const version = readStr(f, 'version', path, '/');
    const root = get(f, 'node', path, '/') as Group;
    if (readStr(root, 'type', path, '/node') !== 'NIRGraph') throw new FileFormatError(path, '/node is not a NIRGraph');
    const nodesG = get(root, 'nodes', path, '/node') as Group;
    const nodes: [string, NirNode][] = nodesG.keys().map((k) => [k, readNode(nodesG.get(k) as Group, path, `/node/nodes/${k}`)]);
    const flat = get(root, 'edges', path, '/node').value as string[];
    const edges: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) edges.push([flat[i], flat[i + 1]]);
    const metadata: NirMetadata = {};
    const mg = root.get('metadata') as Group | null;
    if (mg) for (const k of mg.keys()) {
      const v = (mg.get(k) as any).value;
      metadata[k] = typeof v === 'string' ? v : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : Number(v);
    }
    return { version, graph: { nodes, edges, metadata } };
  } finally { f.close(); }
}
