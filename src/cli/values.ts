// Strict parsing of flag values: every failure is a UsageError naming the flag and what is wrong.
// (Commander parses the command line; these functions decide what a value may be.)
import { UsageError } from '../errors.js';
import type { OptionSpec } from '../algorithms/types.js';

function num(flag: string, s: string, integer: boolean): number {
  const t = s.trim();
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    throw new UsageError(flag, `expected ${integer ? 'an integer' : 'a number'}, got "${s}"`);
  }
  const v = Number(t);
  if (!Number.isFinite(v)) throw new UsageError(flag, `expected a finite number, got "${s}"`);
  if (integer && !Number.isInteger(v)) throw new UsageError(flag, `expected an integer, got "${s}"`);
  return v;
}

function range(flag: string, v: number, min?: number, max?: number): number {
  if (min !== undefined && v < min) throw new UsageError(flag, `must be >= ${min}, got ${v}`);
  if (max !== undefined && v > max) throw new UsageError(flag, `must be <= ${max}, got ${v}`);
  return v;
}

export function parseInt_(flag: string, s: string, min?: number, max?: number): number {
  return range(flag, num(flag, s, true), min, max);
}
export function parseFloat_(flag: string, s: string, min?: number, max?: number): number {
  return range(flag, num(flag, s, false), min, max);
}
export function parseList(flag: string, s: string, integer: boolean, min?: number, max?: number): number[] {
  const parts = s.split(',');
  if (parts.some((p) => p.trim() === '')) throw new UsageError(flag, `expected a comma-separated list of numbers, got "${s}"`);
  return parts.map((p) => range(flag, num(flag, p, integer), min, max));
}

/** Parses one algorithm option by its spec. */
export function parseOption(spec: OptionSpec, raw: string | boolean): unknown {
  switch (spec.kind) {
    case 'int': return parseInt_(spec.flag, String(raw), spec.min, spec.max);
    case 'float': return parseFloat_(spec.flag, String(raw), spec.min, spec.max);
    case 'ints': return parseList(spec.flag, String(raw), true, spec.min, spec.max);
    case 'floats': return parseList(spec.flag, String(raw), false, spec.min, spec.max);
    case 'bool': return raw === true || raw === 'true';
    case 'choice': {
      const v = String(raw);
      if (!spec.choices!.includes(v)) throw new UsageError(spec.flag, `must be one of ${spec.choices!.join(', ')}, got "${v}"`);
      return v;
    }
  }
}

/** A permutation of 0..n-1 given as a comma list (e.g. --class-order 4,1,0,7,9,2,3,5,8,6). */
export function parsePermutation(flag: string, s: string, n: number): number[] {
  const p = parseList(flag, s, true, 0, n - 1);
  if (p.length !== n || new Set(p).size !== n) throw new UsageError(flag, `must be a permutation of 0..${n - 1}, got "${s}"`);
  return p;
}
