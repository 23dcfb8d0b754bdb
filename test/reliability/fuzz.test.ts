// Hostile input: every reader of untrusted bytes (IDX, CIFAR-10 batches, tar, gzip, checkpoints,
// .npy) gets thousands of mutated and truncated versions of small valid files: bit flips, byte
// overwrites, truncation at every structural boundary, forged length/size fields (raw, and re-sealed
// behind a recomputed checksum so the forgery reaches the parser proper), duplicated, inserted and
// deleted chunks, and gzip around mutated contents. Each case must either parse into a consistent
// result or throw a FileFormatError (or ChecksumError) naming the file: never another exception
// type, a hang, or a large allocation. The generator is seeded: every run tries the same cases.
//
//   node --test --test-reporter=spec dist/test/reliability/fuzz.test.js   (prints "fuzz: N cases, ...")
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { FileFormatError, SnnError } from '../../src/errors.js';
import { encodeIdx, parseIdx, readIdx } from '../../src/data/idx.js';
import { CIFAR_RECORD, openCifarArchive, readCifarArchiveBatch, readCifarBatch } from '../../src/data/cifar.js';
import { encodeTar, readTar } from '../../src/data/tar.js';
import { gunzip } from '../../src/data/gzip.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint-format.js';
import { encodeNpy, readNpy, readNpyMatrix } from '../../src/io/npy.js';
import { xorshift } from '../helpers.js';

const SEED = 0x5eed2026;
/** Total time budget: the generator stops adding cases when it is spent (a slow machine runs fewer). */
const BUDGET_MS = 20_000;
/** Any single case slower than this is reported as a hang. */
const CASE_LIMIT_MS = 2_000;
/** Growth of RSS / array-buffer memory over the whole run that counts as a huge allocation. */
const MEMORY_LIMIT = 256 * 2 ** 20;

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const prod = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------------------------------------
// Valid fixtures

const rnd0 = xorshift(SEED);
const bytesOf = (n: number, f: (i: number) => number) => Uint8Array.from({ length: n }, (_, i) => f(i) & 0xff);

const idxImages = encodeIdx([6, 28, 28], bytesOf(6 * 784, () => Math.floor(rnd0() * 256)));
const idxLabels = encodeIdx([6], bytesOf(6, (i) => i % 10));
const cifar = concat(...[0, 1, 2].map((r) => concat(Uint8Array.of(r * 3), bytesOf(CIFAR_RECORD - 1, () => Math.floor(rnd0() * 256)))));
const tar = encodeTar([
  { name: 'cifar-10-batches-bin/batches.meta.txt', data: new TextEncoder().encode('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n') },
  { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifar },
]);
const ckptParts = encodeCheckpoint('fixture', { format: 'snnwasm-checkpoint', epoch: 3, step: 4500, rng: { seed: 7 }, history: [{ a: 1 }] }, {
  w0: { shape: [8, 16], data: Float32Array.from({ length: 128 }, (_, i) => Math.sin(i)) },
  'w0.adam_m': Float32Array.from({ length: 20 }, (_, i) => i / 7),
  mu0: Float64Array.from({ length: 5 }, (_, i) => i * 1.5),
  counts: Int32Array.of(1, 2, 3),
  mask: Uint8Array.of(1, 0, 1, 1, 0),
});
const ckpt = concat(...ckptParts);
const npy1 = concat(...encodeNpy('fixture', [6, 5], Float32Array.from({ length: 30 }, (_, i) => i - 3.5)));
const npy8 = concat(...encodeNpy('fixture', [4, 3, 1], Float64Array.from({ length: 12 }, (_, i) => i * 0.25)));
/** The same array as format 2.0 / 3.0 (4-byte header length). */
function npyVersion(v1: Uint8Array, major: number): Uint8Array {
  const hlen = v1[8] | (v1[9] << 8);
  const head = v1.subarray(10, 10 + hlen);
  const pre = new Uint8Array(12);
  pre.set(v1.subarray(0, 6)); pre[6] = major; pre[7] = 0;
  new DataView(pre.buffer).setUint32(8, hlen, true);
  return concat(pre, head, v1.subarray(10 + hlen));
}
const npy2 = npyVersion(npy1, 2);
const npy3 = npyVersion(npy1, 3);

// ---------------------------------------------------------------------------------------------
// Targets: a parser, its valid input, and where its structure lies

interface Field { at: number; width: 1 | 2 | 4; le: boolean; values: number[] }
interface Target {
  name: string;
  /** the file name the parser is given; every error must name it */
  file: string;
  valid: Uint8Array;
  /** parse and check the result is self-consistent; throws on failure */
  parse: (file: string, b: Uint8Array) => void;
  /** byte offsets where a structure starts or ends */
  boundaries: number[];
  fields: Field[];
  /** text-level forgeries (the header of .npy, the JSON of a checkpoint), re-sealed where the format has a checksum */
  forgeries?: () => Uint8Array[];
  /** recompute the format's own checksum after a mutation (checkpoint footer, tar header checksum) */
  reseal?: (b: Uint8Array) => Uint8Array;
}

const check = (cond: boolean, what: string) => { if (!cond) throw new Error(`inconsistent parse: ${what}`); };
const HUGE32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];

const parseIdxChecked = (file: string, b: Uint8Array) => {
  const t = readIdx(file, b);
  check(t.dims.length >= 1 && t.dims.length <= 4 && t.data.length === prod(t.dims), 'idx dims vs data');
};
const parseCifarChecked = (file: string, b: Uint8Array) => {
  const c = readCifarBatch(file, b);
  check(c.images.length === c.count * 3072 && c.labels.length === c.count && c.labels.every((l) => l < 10), 'cifar records');
};
const parseArchiveChecked = (file: string, b: Uint8Array) => {
  const a = openCifarArchive(file, b);
  for (const m of a.members) check(m.data.length === m.size, 'tar member size');
  const batch = readCifarArchiveBatch(a, 'data_batch_1.bin');
  check(batch.images.length === batch.count * 3072, 'cifar member records');
};
const parseCkptChecked = (file: string, b: Uint8Array) => {
  const c = decodeCheckpoint(file, b);
  for (const [name, t] of Object.entries(c.tensors)) check(t.length === prod(c.shapes[name]), `checkpoint tensor ${name}`);
  check(typeof c.meta === 'object' && c.meta !== null && !Array.isArray(c.meta), 'checkpoint meta');
};
const parseNpyChecked = (file: string, b: Uint8Array) => {
  const a = readNpy(file, b);
  check(a.data.length === prod(a.shape), 'npy shape vs data');
  try { readNpyMatrix(file, {}, b); } catch (e) { if (!(e instanceof FileFormatError)) throw e; }
};

function ckptLayout(b: Uint8Array) {
  const hlen = new DataView(b.buffer, b.byteOffset).getUint32(12, true);
  const dataStart = Math.ceil((16 + hlen) / 8) * 8;
  return { hlen, dataStart, bodyEnd: b.length - 32 };
}
const resealCkpt = (b: Uint8Array) => (b.length < 32 ? b : concat(b.subarray(0, b.length - 32), sha256(b.subarray(0, b.length - 32))));
/** A checkpoint whose header JSON is replaced (payloads kept), with a correct length field and footer. */
function ckptWithHeader(json: string): Uint8Array {
  const { dataStart, bodyEnd } = ckptLayout(ckpt);
  const header = new TextEncoder().encode(json);
  const prefix = ckpt.slice(0, 16);
  new DataView(prefix.buffer).setUint32(12, header.length, true);
  const pad = new Uint8Array((8 - ((16 + header.length) % 8)) % 8);
  return resealCkpt(concat(prefix, header, pad, ckpt.subarray(dataStart, bodyEnd), new Uint8Array(32)));
}
function ckptForgeries(): Uint8Array[] {
  const { hlen } = ckptLayout(ckpt);
  const base = JSON.parse(Buffer.from(ckpt.subarray(16, 16 + hlen)).toString('utf8')) as { meta: unknown; tensors: Record<string, unknown>[] };
  const out: Uint8Array[] = [];
  const withTensor = (i: number, patch: Record<string, unknown>) => {
    const h = structuredClone(base);
    h.tensors[i] = { ...h.tensors[i], ...patch };
    out.push(ckptWithHeader(JSON.stringify(h)));
  };
  for (let i = 0; i < base.tensors.length; i++) {
    for (const offset of [-8, 4, 2 ** 31, 2 ** 53, 1e300, '0', null, 8 * 1000]) withTensor(i, { offset });
    for (const byteLength of [-4, 0, 2 ** 32, 2 ** 53 - 1, 12.5, '4']) withTensor(i, { byteLength });
    for (const shape of [[2 ** 32, 2 ** 32], [1e12, 1e12], [-1], [0.5], [], 'x', [2 ** 53]]) withTensor(i, { shape });
    for (const dtype of ['f16', 'u64', '', 7, '__proto__', 'constructor']) withTensor(i, { dtype });
    for (const name of ['', 5, base.tensors[(i + 1) % base.tensors.length].name]) withTensor(i, { name });
    withTensor(i, { offset: base.tensors[(i + 1) % base.tensors.length].offset }); // overlap
  }
  for (const text of ['{}', '[]', 'null', '{"meta":[],"tensors":[]}', '{"meta":{},"tensors":{}}', '{"meta":{},"tensors":[1]}',
    '{"meta":{},"tensors":[]', '{"meta":{"__proto__":{"x":1}},"tensors":[]}', '\u0000'.repeat(40), '{"meta":{},"tensors":[]}' + ' '.repeat(3)]) {
    out.push(ckptWithHeader(text));
  }
  return out;
}

/** .npy with the header dict text replaced (length field and padding recomputed). */
function npyWithHeader(text: string): Uint8Array {
  const dataAt = 10 + (npy1[8] | (npy1[9] << 8));
  const head = Buffer.from(text, 'latin1');
  const pre = npy1.slice(0, 10);
  new DataView(pre.buffer).setUint16(8, head.length & 0xffff, true);
  return concat(pre, head, npy1.subarray(dataAt));
}
function npyForgeries(): Uint8Array[] {
  const dict = (descr: string, fortran: string, shape: string) => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;
  const out: Uint8Array[] = [];
  for (const shape of ['(6, 5)', '(4294967296, 4294967296)', '(99999999999999999999,)', '(0,)', '(-1,)', '(6, 5, 0)', '(1e9,)', '(30)', '()',
    '(6,, 5)', '(6 5)', '(' + '1, '.repeat(64) + '30)', '(9007199254740993,)', '(6, 5L)', '[6, 5]']) {
    out.push(npyWithHeader(dict('<f4', 'False', shape)));
  }
  for (const descr of ['<f2', '>f4', '|u1', '<f16', '=f4', '<i4', 'f4', "<f4', 'x': '1"]) out.push(npyWithHeader(dict(descr, 'False', '(6, 5)')));
  for (const f of ['True', 'None', '0', "'False'"]) out.push(npyWithHeader(dict('<f4', f, '(6, 5)')));
  for (const text of ['', '{', '}', '{}', "{'descr': '<f4'}", "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6, 5)}",
    "{'descr': '<f4, 'fortran_order': False, 'shape': (6, 5)}", "{'descr': '<f\\4', 'fortran_order': False, 'shape': (6, 5)}",
    "{descr: '<f4', fortran_order: False, shape: (6, 5)}", "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 5), 'extra': 1}",
    '\u00ff'.repeat(100), "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 5)} trailing"]) {
    out.push(npyWithHeader(text));
  }
  return out;
}

/** tar with the first (or second) member's size field forged and the header checksum recomputed. */
function resealTar(b: Uint8Array): Uint8Array {
  const out = b.slice();
  for (let pos = 0; pos + 512 <= out.length; pos += 512) {
    const h = out.subarray(pos, pos + 512);
    if (h.every((x) => x === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    h.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    const size = parseInt(Buffer.from(h.subarray(124, 135)).toString('latin1'), 8);
    if (!Number.isFinite(size) || size < 0) break;
    pos += Math.ceil(size / 512) * 512;
  }
  return out;
}
function tarForgeries(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const second = 512 + Math.ceil(62 / 512) * 512; // header of the data batch member
  for (const at of [0, second]) {
    for (const size of ['77777777777', '00000000000', '00000100000', '37777777777', '7777777777 ', '       1234', 'zzzzzzzzzzz', '\x80\0\0\0\0\0\0\0\0\0\x01\0']) {
      const b = tar.slice();
      b.set(Buffer.from(size.padEnd(12, '\0').slice(0, 12), 'latin1'), at + 124);
      const hsum = b.subarray(at, at + 512);
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : hsum[i];
      hsum.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
      out.push(b);
    }
    for (const type of ['5', 'x', 'g', '\0', '2']) {
      const b = tar.slice();
      b[at + 156] = type.charCodeAt(0);
      out.push(resealTar(b));
    }
    const noNul = tar.slice();
    noNul.fill(0x41, at, at + 100); // a name with no terminator, then a POSIX prefix
    noNul.fill(0x42, at + 345, at + 500);
    out.push(resealTar(noNul));
    const bad = tar.slice();
    bad.fill(0xff, at, at + 100); // a name that is not UTF-8
    out.push(resealTar(bad));
  }
  return out;
}

const TARGETS: Target[] = [
  {
    name: 'idx', file: 'fuzz/train-images-idx3-ubyte', valid: idxImages, parse: parseIdxChecked,
    boundaries: [0, 2, 3, 4, 8, 12, 16, 16 + 784, idxImages.length - 784, idxImages.length],
    fields: [
      { at: 2, width: 1, le: false, values: [0x08, 0x09, 0x0d, 0xff] },
      { at: 3, width: 1, le: false, values: [0, 1, 2, 4, 5, 255] },
      ...[4, 8, 12].map((at) => ({ at, width: 4 as const, le: false, values: [...HUGE32, 5, 7, 60000, 28 * 28] })),
    ],
  },
  {
    name: 'idx-labels', file: 'fuzz/train-labels-idx1-ubyte', valid: idxLabels, parse: (f, b) => { const t = parseIdx(f, b); check(t.data.length === prod(t.dims), 'idx'); },
    boundaries: [0, 4, 8, idxLabels.length],
    fields: [{ at: 4, width: 4, le: false, values: [...HUGE32, 5, 7] }, { at: 3, width: 1, le: false, values: [0, 2, 4, 5] }],
  },
  {
    name: 'idx.gz', file: 'fuzz/train-images-idx3-ubyte.gz', valid: new Uint8Array(gzipSync(idxImages)), parse: parseIdxChecked,
    boundaries: [0, 2, 3, 4, 10], fields: [],
  },
  {
    name: 'cifar', file: 'fuzz/data_batch_1.bin', valid: cifar, parse: parseCifarChecked,
    boundaries: [0, 1, CIFAR_RECORD, CIFAR_RECORD + 1, 2 * CIFAR_RECORD, cifar.length - 1, cifar.length],
    fields: [0, CIFAR_RECORD, 2 * CIFAR_RECORD].map((at) => ({ at, width: 1 as const, le: false, values: [9, 10, 128, 255] })),
  },
  {
    name: 'cifar.gz', file: 'fuzz/data_batch_1.bin.gz', valid: new Uint8Array(gzipSync(cifar)), parse: parseCifarChecked,
    boundaries: [0, 2, 3, 4, 10], fields: [],
  },
  {
    name: 'tar', file: 'fuzz/cifar-10-binary.tar', valid: tar, parse: parseArchiveChecked,
    boundaries: [0, 100, 124, 136, 148, 156, 157, 257, 263, 345, 500, 512, 1024, 1536, 1536 + CIFAR_RECORD, tar.length - 1024, tar.length - 512, tar.length],
    fields: [], forgeries: tarForgeries, reseal: resealTar,
  },
  {
    name: 'tar.gz', file: 'fuzz/cifar-10-binary.tar.gz', valid: new Uint8Array(gzipSync(tar)), parse: parseArchiveChecked,
    boundaries: [0, 2, 3, 4, 10], fields: [],
  },
  {
    name: 'gunzip', file: 'fuzz/blob.gz', valid: new Uint8Array(gzipSync(idxLabels)), parse: (f, b) => { gunzip(f, b); },
    boundaries: [0, 1, 2, 3, 4, 9, 10],
    fields: [
      { at: 2, width: 1, le: true, values: [0, 7, 9] },
      { at: 3, width: 1, le: true, values: [0x02, 0x04, 0x08, 0x10, 0x1e, 0x20, 0xe0, 0xff] },
    ],
  },
  {
    name: 'checkpoint', file: 'fuzz/checkpoint.ckpt', valid: ckpt, parse: parseCkptChecked,
    boundaries: (() => {
      const { hlen, dataStart, bodyEnd } = ckptLayout(ckpt);
      return [0, 7, 8, 12, 16, 16 + hlen, dataStart, dataStart + 512, bodyEnd - 1, bodyEnd, bodyEnd + 16, ckpt.length];
    })(),
    fields: [
      { at: 8, width: 4, le: true, values: [0, 2, 0xffffffff] },
      { at: 12, width: 4, le: true, values: [...HUGE32, 2, ckptLayout(ckpt).hlen + 1, ckptLayout(ckpt).hlen - 1, ckpt.length] },
    ],
    forgeries: ckptForgeries, reseal: resealCkpt,
  },
  {
    name: 'npy', file: 'fuzz/W0.npy', valid: npy1, parse: parseNpyChecked,
    boundaries: [0, 6, 7, 8, 10, 64, npy1.length - 4, npy1.length],
    fields: [
      { at: 6, width: 1, le: true, values: [0, 2, 3, 4] },
      { at: 7, width: 1, le: true, values: [1] },
      { at: 8, width: 2, le: true, values: [0, 1, 0xffff, 53, 55] },
    ],
    forgeries: npyForgeries,
  },
  { name: 'npy-f8', file: 'fuzz/W1.npy', valid: npy8, parse: parseNpyChecked, boundaries: [0, 10, 64, npy8.length], fields: [] },
  {
    name: 'npy-v2', file: 'fuzz/W2.npy', valid: npy2, parse: parseNpyChecked, boundaries: [0, 8, 12, npy2.length],
    fields: [{ at: 8, width: 4, le: true, values: [...HUGE32, 1 << 20, (1 << 20) + 1] }],
  },
  { name: 'npy-v3', file: 'fuzz/W3.npy', valid: npy3, parse: parseNpyChecked, boundaries: [0, 8, 12, npy3.length], fields: [{ at: 8, width: 4, le: true, values: HUGE32 }] },
];

// ---------------------------------------------------------------------------------------------
// Mutations

interface Case { target: Target; what: string; bytes: Uint8Array }

function* casesFor(t: Target, rnd: () => number): Generator<Case> {
  const v = t.valid;
  const int = (n: number) => Math.floor(rnd() * n);
  const mk = (what: string, bytes: Uint8Array): Case => ({ target: t, what, bytes });
  yield mk('valid', v);
  // truncation: at and around every structural boundary, at every offset of the first 64 bytes, at random lengths
  const cuts = new Set<number>();
  for (const b of t.boundaries) for (const d of [-1, 0, 1]) if (b + d >= 0 && b + d < v.length) cuts.add(b + d);
  for (let i = 0; i < Math.min(64, v.length); i++) cuts.add(i);
  for (let i = 0; i < 24; i++) cuts.add(int(v.length));
  for (const c of [...cuts].sort((a, b) => a - b)) yield mk(`truncated to ${c} bytes`, v.slice(0, c));
  for (const c of [1, 7, 31, 32, 33]) if (c < v.length) yield mk(`last ${c} bytes cut`, v.slice(0, v.length - c));
  // forged length / size / type fields, raw and re-sealed
  for (const f of t.fields) {
    for (const value of f.values) {
      const b = v.slice();
      const dv = new DataView(b.buffer);
      if (f.width === 1) b[f.at] = value & 0xff;
      else if (f.width === 2) dv.setUint16(f.at, value & 0xffff, f.le);
      else dv.setUint32(f.at, value >>> 0, f.le);
      yield mk(`field @${f.at} = ${value}`, b);
      if (t.reseal) yield mk(`field @${f.at} = ${value}, re-sealed`, t.reseal(b));
    }
  }
  if (t.name.endsWith('.gz') || t.name === 'gunzip') {
    for (const isize of [0, 1, 0xffffffff, 600 * 2 ** 20, 2 ** 29]) {
      const b = v.slice();
      new DataView(b.buffer).setUint32(b.length - 4, isize >>> 0, true);
      yield mk(`gzip ISIZE = ${isize}`, b);
    }
    const crc = v.slice();
    crc.fill(0, crc.length - 8, crc.length - 4);
    yield mk('gzip CRC zeroed', crc);
    const extra = concat(v.subarray(0, 3), Uint8Array.of(v[3] | 4), v.subarray(4, 10), Uint8Array.of(0xff, 0xff), v.subarray(10));
    yield mk('gzip FEXTRA with XLEN 65535', extra);
    const name = concat(v.subarray(0, 3), Uint8Array.of(v[3] | 8), v.subarray(4, 10), new Uint8Array(64).fill(0x41));
    yield mk('gzip FNAME with no terminator', name);
  }
  for (const [i, f] of (t.forgeries?.() ?? []).entries()) yield mk(`forgery ${i}`, f);
  // random damage
  for (let i = 0; i < 400; i++) {
    const b = v.slice();
    const kind = i % 8;
    let what: string;
    if (kind === 0 || kind === 1) {
      const n = 1 + int(4);
      for (let k = 0; k < n; k++) { const at = int(b.length); b[at] ^= 1 << int(8); }
      what = `${n} bit flips`;
    } else if (kind === 2 || kind === 3) {
      const at = int(b.length), n = 1 + int(8), fill = [0x00, 0xff, -1][int(3)];
      for (let k = at; k < Math.min(b.length, at + n); k++) b[k] = fill < 0 ? int(256) : fill;
      what = `${n} bytes at ${at} overwritten with ${fill < 0 ? 'random' : fill}`;
    } else if (kind === 4) {
      const a = int(b.length), len = 1 + int(Math.min(600, b.length - a)), at = int(b.length);
      yield mk(`chunk [${a}, +${len}) duplicated at ${at}`, concat(b.subarray(0, at), b.subarray(a, a + len), b.subarray(at)));
      continue;
    } else if (kind === 5) {
      const at = int(b.length), len = 1 + int(520);
      yield mk(`${len} random bytes inserted at ${at}`, concat(b.subarray(0, at), bytesOf(len, () => int(256)), b.subarray(at)));
      continue;
    } else if (kind === 6) {
      const a = int(b.length), len = 1 + int(Math.min(520, b.length - a));
      yield mk(`chunk [${a}, +${len}) deleted`, concat(b.subarray(0, a), b.subarray(a + len)));
      continue;
    } else {
      const at = int(b.length);
      for (let k = 0; k < 4 && at + k < b.length; k++) b[at + k] = [0xff, 0x7f, 0xff, 0xff][k];
      what = `4 bytes at ${at} set to a huge value`;
    }
    yield mk(what, b);
    if (t.reseal && i % 2 === 0) yield mk(`${what}, re-sealed`, t.reseal(b));
  }
  yield mk('whole file twice', concat(v, v));
  yield mk('empty', new Uint8Array(0));
  yield mk('one zero block', new Uint8Array(512));
}

/** Mutated plain contents inside a valid gzip stream (the gzip layer passes, the inner parser is hit). */
function* gzippedCases(rnd: () => number): Generator<Case> {
  for (const t of TARGETS.filter((x) => x.name === 'idx' || x.name === 'cifar' || x.name === 'tar')) {
    const gzTarget: Target = { ...t, name: `${t.name} in gzip`, file: `${t.file}.gz` };
    let i = 0;
    for (const c of casesFor(t, rnd)) {
      if (i++ % 3 !== 0) continue;
      yield { target: gzTarget, what: `gzip(${c.what})`, bytes: new Uint8Array(gzipSync(c.bytes)) };
    }
  }
}

// ---------------------------------------------------------------------------------------------

test('hostile input: every reader parses consistently or throws FileFormatError naming the file', { timeout: 120_000 }, () => {
  const rnd = xorshift(SEED);
  const t0 = performance.now();
  const mem0 = process.memoryUsage();
  let maxRss = mem0.rss, maxBuffers = mem0.arrayBuffers;
  let cases = 0, clean = 0, parsed = 0, slowest = 0, slowestWhat = '';
  const crashes: string[] = [];
  const perTarget = new Map<string, { cases: number; clean: number; parsed: number }>();
  const all = function* () { for (const t of TARGETS) yield* casesFor(t, rnd); yield* gzippedCases(rnd); };
  for (const c of all()) {
    if (performance.now() - t0 > BUDGET_MS) break;
    const stat = perTarget.get(c.target.name) ?? { cases: 0, clean: 0, parsed: 0 };
    perTarget.set(c.target.name, stat);
    cases++; stat.cases++;
    const s = performance.now();
    try {
      c.target.parse(c.target.file, c.bytes);
      parsed++; stat.parsed++;
    } catch (e) {
      const named = e instanceof FileFormatError && e instanceof SnnError && e.message.includes(c.target.file);
      if (named && c.what !== 'valid') { clean++; stat.clean++; }
      else crashes.push(`${c.target.name}: ${c.what}: ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`.slice(0, 400));
    }
    const ms = performance.now() - s;
    if (ms > slowest) { slowest = ms; slowestWhat = `${c.target.name}: ${c.what}`; }
    if (ms > CASE_LIMIT_MS) crashes.push(`${c.target.name}: ${c.what}: took ${ms.toFixed(0)} ms (hang)`);
    if (cases % 64 === 0) {
      const m = process.memoryUsage();
      maxRss = Math.max(maxRss, m.rss); maxBuffers = Math.max(maxBuffers, m.arrayBuffers);
    }
  }
  const m = process.memoryUsage();
  maxRss = Math.max(maxRss, m.rss); maxBuffers = Math.max(maxBuffers, m.arrayBuffers);
  const seconds = (performance.now() - t0) / 1000;
  for (const [name, s] of perTarget) console.log(`  ${name.padEnd(14)} ${String(s.cases).padStart(5)} cases, ${String(s.clean).padStart(5)} clean errors, ${String(s.parsed).padStart(4)} parsed`);
  console.log(`fuzz: ${cases} cases, ${clean} clean errors, ${parsed} parsed, ${crashes.length} crashes ` +
    `(${seconds.toFixed(1)} s, slowest case ${slowest.toFixed(1)} ms: ${slowestWhat}; RSS +${((maxRss - mem0.rss) / 2 ** 20).toFixed(0)} MiB, ` +
    `array buffers +${((maxBuffers - mem0.arrayBuffers) / 2 ** 20).toFixed(0)} MiB)`);
  assert.deepEqual(crashes.slice(0, 20), [], `${crashes.length} cases crashed`);
  assert.ok(cases >= 3000, `only ${cases} cases ran within the time budget`);
  assert.ok(maxRss - mem0.rss < MEMORY_LIMIT, `RSS grew by ${maxRss - mem0.rss} bytes`);
  assert.ok(maxBuffers - mem0.arrayBuffers < MEMORY_LIMIT, `array buffers grew by ${maxBuffers - mem0.arrayBuffers} bytes`);
  for (const t of TARGETS) assert.ok((perTarget.get(t.name)?.parsed ?? 0) >= 1, `the valid ${t.name} fixture parses`);
});

test('the fuzz fixtures are what they claim (a sanity check of the generator itself)', () => {
  assert.equal(readTar('t', tar).length, 2);
  assert.equal(decodeCheckpoint('c', ckpt).shapes.w0.join('x'), '8x16');
  assert.equal(decodeCheckpoint('c', ckptWithHeader(Buffer.from(ckpt.subarray(16, 16 + ckptLayout(ckpt).hlen)).toString('utf8'))).tensors.mu0.length, 5);
  assert.equal(readNpy('n', npy2).data.length, 30);
  assert.equal(readNpy('n', npy3).data.length, 30);
  assert.equal(readNpy('n', npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (6, 5), }")).data.length, 30);
  assert.equal(readIdx('i', new Uint8Array(gzipSync(idxImages))).dims.join('x'), '6x28x28');
  assert.equal(openCifarArchive('a', resealTar(tar)).members.length, 2);
});
