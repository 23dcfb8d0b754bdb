// The code version recorded in checkpoints and summaries (package.json's version).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'));
    return String(pkg.version);
  } catch {
    return 'unknown';
  }
}
export const CODE_VERSION = readVersion();
