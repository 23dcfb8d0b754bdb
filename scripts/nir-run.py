#!/usr/bin/env python3
"""Run a NIR graph that `snnwasm export --format nir` wrote, with h5py and NumPy only, and print what its output
neurons do for each image: the first spike step of every output unit (time-to-first-spike graphs) or their spike
counts over the simulation (rate graphs), as JSON lines.

It reads the HDF5 file the way the `nir` Python package does (root `version`, group `node` with `type` NIRGraph,
`nodes`, `edges`, `metadata`; node fields by their NIR names) and steps the graph in float64 from NIR's node
definitions (dt = 1, edges instantaneous, a node's input the sum of its incoming edges). The input code and the
simulation length come from the graph's metadata. Nothing of snnwasm is used: it is the independent check that
the file says what snnwasm's network does (test/interop/nir-export.test.ts runs it when h5py is installed).

usage: nir-run.py MODEL.nir PIXELS.npy      (PIXELS: [images, inputs], the raw 0-255 pixel values (any numeric dtype))
"""
import json
import sys

import h5py
import numpy as np


def s(v):
    return v.decode('utf8') if isinstance(v, bytes) else str(v)


def read(path):
    with h5py.File(path, 'r') as f:
        g = f['node']
        assert s(g['type'][()]) == 'NIRGraph', 'not a NIRGraph'
        nodes = {}
        for name, n in g['nodes'].items():
            nodes[name] = {k: (s(v[()]) if v.dtype.kind in 'OS' else np.array(v[()])) for k, v in n.items() if isinstance(v, h5py.Dataset)}
        edges = [(s(a), s(b)) for a, b in g['edges'][()]]
        meta = {k: (s(v[()]) if v.dtype.kind in 'OS' else np.array(v[()])) for k, v in g['metadata'].items()}
        return s(f['version'][()]), nodes, edges, meta


def conv2d(n, x):
    w, b = n['weight'].astype(np.float64), n['bias'].astype(np.float64)
    (sy, sx), (py, px), (dy, dx), groups = n['stride'], n['padding'], n['dilation'], int(n['groups'])
    co, cig, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (py, py), (px, px)))
    H, W = xp.shape[1:]
    Ho, Wo = (H - dy * (kh - 1) - 1) // sy + 1, (W - dx * (kw - 1) - 1) // sx + 1
    y = np.zeros((co, Ho, Wo)) + b[:, None, None]
    per = co // groups
    for o in range(co):
        g = o // per
        for ky in range(kh):
            for kx in range(kw):
                patch = xp[g * cig:(g + 1) * cig, ky * dy:ky * dy + sy * (Ho - 1) + 1:sy, kx * dx:kx * dx + sx * (Wo - 1) + 1:sx]
                y[o] += np.tensordot(w[o, :, ky, kx], patch, axes=1)
    return y


def sumpool(n, x):
    (kh, kw), (sy, sx), (py, px) = n['kernel_size'], n['stride'], n['padding']
    xp = np.pad(x, ((0, 0), (py, py), (px, px)))
    C, H, W = xp.shape
    Ho, Wo = (H - kh) // sy + 1, (W - kw) // sx + 1
    y = np.zeros((C, Ho, Wo))
    for ky in range(kh):
        for kx in range(kw):
            y += xp[:, ky:ky + sy * (Ho - 1) + 1:sy, kx:kx + sx * (Wo - 1) + 1:sx]
    return y


class Sim:
    def __init__(self, nodes, edges):
        self.nodes, self.inputs = nodes, {}
        for a, b in edges:
            self.inputs.setdefault(b, []).append(a)
        indeg = {k: len(self.inputs.get(k, [])) for k in nodes}
        ready, self.order = [k for k in nodes if indeg[k] == 0], []
        while ready:
            k = ready.pop(0)
            self.order.append(k)
            for a, b in edges:
                if a == k:
                    indeg[b] -= 1
                    if indeg[b] == 0:
                        ready.append(b)
        assert len(self.order) == len(nodes), 'cycle or unreachable node'
        self.v, self.buf = {}, {}

    def step(self, x_in):
        out = {}
        for k in self.order:
            n, t = self.nodes[k], self.nodes[k]['type']
            x = x_in if t == 'Input' else sum(out[a] for a in self.inputs[k])
            if t in ('Input', 'Output'):
                y = x
            elif t == 'Linear':
                y = n['weight'].astype(np.float64) @ x
            elif t == 'Conv2d':
                y = conv2d(n, x)
            elif t == 'SumPool2d':
                y = sumpool(n, x)
            elif t == 'Flatten':
                shp = x.shape
                a, e = int(n['start_dim']), int(n['end_dim'])
                e = len(shp) + e if e < 0 else e
                y = x.reshape(shp[:a] + (-1,) + shp[e + 1:])
            elif t == 'Threshold':
                y = (x > n['threshold']).astype(np.float64)
            elif t == 'IF':
                v = self.v.get(k, np.zeros_like(x)) + n['r'] * x
                z = v > n['v_threshold']
                self.v[k] = np.where(z, n['v_reset'], v)
                y = z.astype(np.float64)
            elif t == 'Delay':
                d = n['delay'].astype(int)
                hist = self.buf.setdefault(k, [np.zeros_like(x) for _ in range(int(d.max()) + 1)])
                hist.insert(0, x)
                hist.pop()
                y = np.choose(d, hist) if d.max() > 0 else x
            else:
                raise ValueError(f'node {k}: type {t} is not one this script runs')
            out[k] = y
        return out


def main():
    version, nodes, edges, meta = read(sys.argv[1])
    pixels = np.load(sys.argv[2])
    inp = next(k for k, n in nodes.items() if n['type'] == 'Input')
    outk = next(k for k, n in nodes.items() if n['type'] == 'Output')
    shape = tuple(int(v) for v in nodes[inp]['shape'])
    steps = int(meta['time_steps'])
    for img in pixels:
        sim = Sim(nodes, edges)
        if meta['coding'] == 'rate':
            x = (img.astype(np.float32) / np.float32(255)).astype(np.float64).reshape(shape)
            counts = np.zeros(int(np.prod(nodes[outk]['shape'])))
            for _ in range(steps):
                counts += sim.step(x)[outk].reshape(-1)
            print(json.dumps({'counts': counts.astype(int).tolist()}))
        else:
            lat = meta['input_latency_by_pixel'].astype(np.int64)[img.astype(np.int64)]
            last = int(meta['input_last_step'])
            first = np.full(int(np.prod(nodes[outk]['shape'])), steps)
            for t in range(steps):
                z = sim.step(((lat == t) & (lat <= last)).astype(np.float64).reshape(shape))[outk].reshape(-1)
                first[(z > 0) & (first == steps)] = t
            print(json.dumps({'times': first.tolist()}))
    print(json.dumps({'version': version, 'images': len(pixels)}))


if __name__ == '__main__':
    main()
