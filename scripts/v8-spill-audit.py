#!/usr/bin/env python3
"""Finds fast kernels whose innermost loops keep a vector value on the stack in V8's machine code.

V8 (11.3, x64) has 15 free vector registers and issues a loop iteration's loads before its adds, so a kernel with
many accumulators can end up storing one to the stack and reloading it every iteration: a store-to-load round trip
in a dependency chain (the spike gathers' 8-accumulator loops had one; docs/kernel-changes.md, 2026-12-04).

  node --no-liftoff --print-wasm-code scripts/ab-proxy-kernels.mjs <build>/snnwasm.wasm 1 > dump.txt
  python3 scripts/v8-spill-audit.py build/snnwasm.wat dump.txt [more dumps ...]

Functions are named from the .wat (wasm-function[i] is its i-th function: the module imports none). A loop is a
backward branch; out-of-line blocks (a stack-check or trap call that saves registers, then jumps back) are not
loops. Reported: each innermost loop of a _simd / _fast / _popc kernel that stores an xmm register to [rbp-...].
Only functions that the dumped run compiled appear; prints which fast kernels it did not see.
"""
import re
import sys


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    names = [m.group(1).split('/')[-1] for m in re.finditer(r'^ \(func \$(\S+)', open(argv[1]).read(), re.M)]
    funcs = {}
    for dump in argv[2:]:
        cur, lines = None, []
        for line in open(dump, errors='replace'):
            m = re.match(r'name: wasm-function\[(\d+)\]', line)
            if m:
                if cur is not None:
                    funcs.setdefault(cur, lines)
                cur, lines = int(m.group(1)), []
            elif cur is not None:
                lines.append(line)
        if cur is not None:
            funcs.setdefault(cur, lines)
    fast = lambda n: n.endswith(('_simd', '_fast', '_popc'))
    found = 0
    for fid, lines in sorted(funcs.items()):
        name = names[fid] if fid < len(names) else str(fid)
        if not fast(name):
            continue
        ins = []
        for line in lines:
            parts = line.split()
            if len(parts) < 4:
                continue
            try:
                ins.append((int(parts[1], 16), ' '.join(parts[3:])))
            except ValueError:
                pass
        loops = []
        for k, (off, text) in enumerate(ins):
            m = re.search(r'(j\w+) 0x[0-9a-f]+\s+<\+0x([0-9a-f]+)>', text)
            if not m or int(m.group(2), 16) >= off:
                continue
            if m.group(1) == 'jmp':
                j, ool = k - 1, False
                while j >= 0 and not re.match(r'(j\w+|ret)', ins[j][1]):
                    if ins[j][1].startswith('call'):
                        ool = True
                        break
                    j -= 1
                if ool:
                    continue
            loops.append((int(m.group(2), 16), off))
        inner = [a for a in loops if not any(b != a and b[0] >= a[0] and b[1] <= a[1] for b in loops)]
        for a, b in inner:
            body = [t for o, t in ins if a <= o <= b]
            spills = [t for t in body if re.search(r'\[rbp-0x[0-9a-f]+\],xmm', t)]
            if spills:
                found += 1
                print(f'{name}: loop +0x{a:x}..+0x{b:x} ({len(body)} instructions) stores {len(spills)} vector value(s) to the stack')
    seen = {names[f] for f in funcs if f < len(names)}
    missing = sorted(n for n in names if fast(n) and n not in seen)
    print(f'{found} loop(s) with vector spills; fast kernels audited: {len([n for n in names if fast(n) and n in seen])}; '
          f'not compiled in these dumps: {", ".join(missing) or "none"}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
