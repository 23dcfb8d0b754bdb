#!/usr/bin/env python3
"""Self time by function of a V8 CPU profile, with the wasm functions named.

  node --no-liftoff --cpu-prof --cpu-prof-dir=DIR dist/src/cli/main.js train --algo bs4nn ...
  python3 scripts/cpu-profile-top.py DIR [rows=20] [build/snnwasm.wat]

V8 names a wasm function `wasm-function[i]`: the i-th function the module defines (it imports none). The names come
from the .wat's function definitions (lines that begin ` (func $`), not from its export lines, which also mention
`(func $...)` and come first. DIR holds one .cpuprofile (the newest is read)."""
import collections, glob, json, os, re, sys

d = sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__)
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 20
wat = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), '..', 'build', 'snnwasm.wat')
names = re.findall(r'^ \(func \$(\S+)', open(wat).read(), re.M)
path = max(glob.glob(os.path.join(d, '*.cpuprofile')), key=os.path.getmtime)
p = json.load(open(path))
nodes = {n['id']: n for n in p['nodes']}
self_us = collections.Counter()
for s, dt in zip(p['samples'], p['timeDeltas']):
    cf = nodes[s]['callFrame']
    m = re.match(r'wasm-function\[(\d+)\]', cf['functionName'])
    if m:
        name = 'wasm ' + names[int(m.group(1))].split('/')[-1]
    else:
        name = f"{cf['functionName'] or '(anonymous)'} {cf['url'].split('/')[-1]}:{cf['lineNumber']}"
    self_us[name] += dt
total = sum(self_us.values())
print(f'{path}: {total / 1e6:.2f} s sampled')
for name, us in self_us.most_common(rows):
    print(f'{100 * us / total:5.1f}%  {name}')
