import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChecksumError, FileFormatError } from '../../src/errors.js';
import { findLatestGoodCheckpoint, loadCheckpoint, saveCheckpoint } from '../../src/io/checkpoint.js';
import { encodeCheckpoint } from '../../src/io/checkpoint-format.js';
import { scratchDir, tempFilesIn, throwsFormat } from './helpers.js';

const { dir, cleanup } = scratchDir('ckpt');
after(cleanup);

const meta = {
  algorithm: 's4nn',
  config: { hidden: [400], lr: 0.2, tau: 1 },
  codeVersion: '0.1.0',
  seed: 42,
  epoch: 3,
  step: 1200,
  rng: { state: ['0x1234abcd', '0xdeadbeef'] },
  optimizer: { kind: 'adam', beta1: 0.9 },
};
const tensors = () => ({
  w1: { shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-30, -0) },
  acc: Float64Array.of(Math.PI, -1e300),
  perm: Int32Array.of(3, 0, -7, 2147483647, 1),
  mask: Uint8Array.of(1, 0, 255),
  empty: new Float32Array(0),
});

/** Rewrite a checkpoint's header JSON (keeping its payload) and recompute the footer, to test checks behind the checksum. */
function withHeader(bytes: Buffer, edit: (h: { meta: unknown; tensors: Array<Record<string, unknown>> }) => void): Buffer {
  const hLen = bytes.readUInt32LE(12);
  const dataStart = Math.ceil((16 + hLen) / 8) * 8;
  const h = JSON.parse(bytes.subarray(16, 16 + hLen).toString('utf8'));
  edit(h);
  const json = Buffer.from(JSON.stringify(h));
  const prefix = Buffer.from(bytes.subarray(0, 16));
  prefix.writeUInt32LE(json.length, 12);
  const pad = Buffer.alloc(Math.ceil((16 + json.length) / 8) * 8 - 16 - json.length);
  const body = Buffer.concat([prefix, json, pad, bytes.subarray(dataStart, bytes.length - 32)]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}
/** Recompute only the SHA-256 footer. */
function rehash(bytes: Buffer): Buffer {
  const body = bytes.subarray(0, bytes.length - 32);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

describe('checkpoint save/load', () => {
  const f = join(dir, 'model.ckpt');

  it('round-trips meta and tensors of every dtype with their shapes', () => {
    saveCheckpoint(f, meta, tensors());
    const ck = loadCheckpoint(f);
    assert.deepEqual(ck.meta, meta);
    const t = tensors();
    assert.deepEqual(ck.tensors, { w1: t.w1.data, acc: t.acc, perm: t.perm, mask: t.mask, empty: t.empty });
    assert.deepEqual(ck.shapes, { w1: [2, 3], acc: [2], perm: [5], mask: [3], empty: [0] });
    assert.ok(Object.is(ck.tensors.w1![5], -0));
    assert.deepEqual(tempFilesIn(dir), []);
  });

  it('lays out magic, version, header length and 8-byte aligned payloads', () => {
    const b = readFileSync(f);
    assert.equal(b.subarray(0, 8).toString('latin1'), 'SNNCKPT\0');
    assert.equal(b.readUInt32LE(8), 1);
    const hLen = b.readUInt32LE(12);
    const header = JSON.parse(b.subarray(16, 16 + hLen).toString('utf8'));
    const dataStart = Math.ceil((16 + hLen) / 8) * 8;
    for (const t of header.tensors) assert.equal((dataStart + t.offset) % 8, 0);
    assert.deepEqual(header.tensors[0], { name: 'w1', dtype: 'f32', shape: [2, 3], offset: 0, byteLength: 24 });
    const digest = createHash('sha256').update(b.subarray(0, b.length - 32)).digest();
    assert.deepEqual(b.subarray(b.length - 32), digest);
  });

  it('is deterministic: the same state gives the same bytes', () => {
    const a = Buffer.concat(encodeCheckpoint(f, meta, tensors()));
    const b = Buffer.concat(encodeCheckpoint(f, meta, tensors()));
    assert.deepEqual(a, b);
  });

  it('refuses meta that JSON would silently change and unsupported tensor types', () => {
    throwsFormat(() => saveCheckpoint(f, { loss: NaN }, {}), f, /'loss' is NaN/);
    throwsFormat(() => saveCheckpoint(f, { seed: 1n }, {}), f, /not JSON-serializable/);
    throwsFormat(() => saveCheckpoint(f, [], {}), f, /meta must be a JSON object/);
    throwsFormat(() => saveCheckpoint(f, {}, { x: new Int16Array(2) as unknown as Int32Array }), f, /tensor 'x' must be/);
    throwsFormat(() => saveCheckpoint(f, {}, { x: { shape: [4], data: new Float32Array(3) } }), f, /does not match 3 elements/);
    assert.deepEqual(loadCheckpoint(f).meta, meta); // failed saves left the file alone
  });
});

describe('checkpoint corruption', () => {
  const f = join(dir, 'corrupt.ckpt');
  saveCheckpoint(f, meta, tensors());
  const good = readFileSync(f);
  const load = (bytes: Uint8Array): unknown => (writeFileSync(f, bytes), loadCheckpoint(f));

  it('detects a truncated file', () => {
    throwsFormat(() => load(good.subarray(0, good.length - 5)), f, /truncated: header describes \d+ bytes, file has \d+/);
    throwsFormat(() => load(good.subarray(0, 40)), f, /truncated/);
    throwsFormat(() => load(good.subarray(0, 100)), f, /header length \d+ is impossible/);
  });

  it('detects one flipped byte with the checksum', () => {
    for (const at of [good.length - 40, 20, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at]! ^= 0x01;
      throwsFormat(() => load(bad), f, /SHA-256 mismatch/, ChecksumError);
    }
  });

  it('detects a bad magic, a newer version and a forged header length', () => {
    const bad = Buffer.from(good);
    bad.write('NOTCKPT', 0, 'latin1');
    throwsFormat(() => load(bad), f, /bad magic/);
    const newer = Buffer.from(good);
    newer.writeUInt32LE(2, 8);
    throwsFormat(() => load(newer), f, /version 2 was written by a newer snnwasm/);
    for (const len of [0xffffffff, good.length, 1]) {
      const forged = Buffer.from(good);
      forged.writeUInt32LE(len, 12);
      throwsFormat(() => load(forged), f, new RegExp(`header length ${len} is impossible`));
    }
  });

  it('validates the tensor table even when the checksum matches', () => {
    assert.deepEqual((load(rehash(good)) as { meta: unknown }).meta, meta);
    const cases: Array<[(h: { meta: unknown; tensors: Array<Record<string, unknown>> }) => void, RegExp]> = [
      [(h) => (h.tensors[1]!.offset = 1 << 30), /tensor 'acc' extends past the end/],
      [(h) => (h.tensors[1]!.offset = 4), /tensor 'acc' has an invalid offset 4/],
      [(h) => (h.tensors[1]!.offset = 0), /tensors '(w1|acc)' and '(w1|acc)' overlap/],
      [(h) => (h.tensors[0]!.shape = [1e12, 1e12]), /byteLength 24 does not match shape/],
      [(h) => (h.tensors[0]!.dtype = 'f16'), /unknown dtype "f16"/],
      [(h) => (h.tensors[0]!.dtype = 'toString'), /unknown dtype "toString"/],
      [(h) => (h.tensors[2]!.name = 'w1'), /tensor 'w1' appears twice/],
      [(h) => (h.tensors[0]!.shape = [-6]), /invalid shape/],
      [(h) => (h.meta = null), /"meta" object/],
    ];
    for (const [edit, re] of cases) throwsFormat(() => load(withHeader(good, edit)), f, re);
    const notJson = Buffer.from(good);
    notJson.write('#', 16, 'latin1');
    throwsFormat(() => load(rehash(notJson)), f, /header is not valid JSON/);
  });

  it('reports a missing file as FileFormatError', () => {
    const missing = join(dir, 'nope.ckpt');
    throwsFormat(() => loadCheckpoint(missing), missing, /no such file/);
  });
});

describe('checkpoint rotation and recovery', () => {
  const f = join(dir, 'rot.ckpt');

  it('keep=3 keeps the three newest as path, path.1, path.2', () => {
    for (let epoch = 1; epoch <= 5; epoch++) saveCheckpoint(f, { epoch }, { w: Float32Array.of(epoch) }, { keep: 3 });
    assert.deepEqual([f, `${f}.1`, `${f}.2`].map((p) => loadCheckpoint(p).meta.epoch), [5, 4, 3]);
    assert.equal(existsSync(`${f}.3`), false);
    assert.deepEqual(tempFilesIn(dir), []);
    throwsFormat(() => saveCheckpoint(f, {}, {}, { keep: 0 }), f, /keep must be a positive integer/);
  });

  it('findLatestGoodCheckpoint returns path when it is good', () => {
    const r = findLatestGoodCheckpoint(f);
    assert.equal(r.path, f);
    assert.equal(r.checkpoint?.meta.epoch, 5);
    assert.deepEqual(r.failures, []);
  });

  it('falls back to path.1 when path is corrupt, reporting why', () => {
    const b = readFileSync(f);
    b[b.length - 33]! ^= 0xff;
    writeFileSync(f, b);
    const r = findLatestGoodCheckpoint(f);
    assert.equal(r.path, `${f}.1`);
    assert.equal(r.checkpoint?.meta.epoch, 4);
    assert.deepEqual(r.checkpoint?.tensors.w, Float32Array.of(4));
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0]!.path, f);
    assert.ok(r.failures[0]!.error instanceof ChecksumError);
  });

  it('falls back when path is missing and gives up cleanly when nothing loads', () => {
    rmSync(f);
    assert.equal(findLatestGoodCheckpoint(f).path, `${f}.1`);
    writeFileSync(`${f}.1`, 'junk');
    writeFileSync(`${f}.2`, '');
    const r = findLatestGoodCheckpoint(f);
    assert.equal(r.path, null);
    assert.equal(r.checkpoint, null);
    assert.deepEqual(r.failures.map((x) => x.path), [f, `${f}.1`, `${f}.2`]);
    assert.ok(r.failures.every((x) => x.error instanceof FileFormatError));
    assert.match(r.failures[0]!.error.message, /no such file/);
  });
});
