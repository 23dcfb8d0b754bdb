// Where the installed snnwasm package lives, so data/manifest.json and ../shared/data can be
// found from the compiled module (dist/src/data/) regardless of the current folder.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder holding snnwasm's package.json (searched upwards from this module). */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    try {
      if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'snnwasm') return (cached = dir);
    } catch {
      // not here (or unreadable): keep walking up
    }
    const parent = path.dirname(dir);
    // Not found (e.g. bundled): fall back to the current folder rather than failing.
    if (parent === dir) return (cached = process.cwd());
    dir = parent;
  }
}
