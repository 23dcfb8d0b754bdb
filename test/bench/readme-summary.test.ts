import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SUMMARY_BEGIN, SUMMARY_END, readmeSummary, replaceSummary, type Recs } from '../../bench/readme-summary.js';
import type { BenchRecord } from '../../bench/lib.js';

const machine = { cpuModel: 'Test CPU', cpuFamily: '1', cpuModelNumber: '2', logicalCores: 2, node: 'v20' };
/** A kernels record with the fields the summary reads (a real one comes from bench/kernels.ts). */
function kernelsRecord(rows: { kernel: string; fraction: number; paired: number | null; gather?: number }[]): BenchRecord {
  return {
    name: 'kernels', command: 'node dist/bench/run.js kernels', startedAt: '2026-12-05T12:00:00.000Z', machine,
    results: {
      ceilings: { f32PeakGflops: 50, popcountGbits: 180, stream: [{ bytes: 4 << 20, readGBs: 70, updateGBs: 140 }] },
      kernels: rows.map((r) => ({
        kernel: r.kernel, label: 'case', shape: '1→1', gflops: 1, gbits: null, gbs: null,
        bound: { ceiling: 'f32x4 mul+add peak', ceilingValue: 50, fraction: r.fraction, pairedFraction: r.paired },
        gather: r.gather === undefined ? null : { ceiling: 'gather of 64-byte rows within 4 MiB', value: 50, fraction: r.gather, pairedFraction: r.gather },
      })),
    },
  } as unknown as BenchRecord;
}

describe('README benchmark summary', () => {
  it('replaces only the lines between the markers, and is idempotent', () => {
    const text = `# Title\n\nbefore\n${SUMMARY_BEGIN}\nold figures\n${SUMMARY_END}\nafter\n`;
    const once = replaceSummary(text, 'new figures');
    assert.equal(once, `# Title\n\nbefore\n${SUMMARY_BEGIN}\nnew figures\n${SUMMARY_END}\nafter\n`);
    assert.equal(replaceSummary(once!, 'new figures'), once);
  });

  it('leaves a text without both markers in order alone', () => {
    assert.equal(replaceSummary('no markers here', 'x'), null);
    assert.equal(replaceSummary(`${SUMMARY_END}\n${SUMMARY_BEGIN}`, 'x'), null);
  });

  it('judges the 80% goal on the paired fraction where there is one', () => {
    const recs: Recs = { kernels: kernelsRecord([
      { kernel: 'k_paired_met', fraction: 0.7, paired: 0.85 }, // best-round says below, paired says met
      { kernel: 'k_paired_below', fraction: 0.95, paired: 0.6 }, // a ceiling from a slow spell inflated the old figure
      { kernel: 'k_unpaired', fraction: 0.81, paired: null, gather: 0.66 },
    ]) };
    const md = readmeSummary(recs);
    assert.match(md, /\*\*2 of 3\*\* kernel cases reach 80%/);
    assert.match(md, /`k_paired_met`, `k_unpaired`\./);
    assert.match(md, /\| `k_paired_below` \| case \| 1→1 \| 1 GFLOP\/s \| f32x4 mul\+add peak \| 60% \| below \| — \|/);
    assert.match(md, /`k_unpaired` 1→1 66%/);
  });

  it('says so when there are no results', () => {
    assert.match(readmeSummary({}), /No benchmark results yet/);
  });
});
