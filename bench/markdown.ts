// Markdown pieces shared by the benchmark page (bench/report.ts) and the README's summary (bench/readme-summary.ts).
import { fmt } from './lib.js';

export const pct = (x: number) => (Number.isFinite(x) ? `${fmt(100 * x)}%` : 'n/a');

export function table(head: string[], rows: (string | number)[][]): string {
  const line = (r: (string | number)[]) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), `| ${head.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}
