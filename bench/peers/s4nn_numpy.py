#!/usr/bin/env python3
"""The authors' approach to S4NN / BS4NN training, re-implemented independently for timing.

Dense and time-stepped, as algorithms.md 1.1-1.2 and 2.1-2.2 describe the reference code: every
layer turns its input spike times into one-hot spike trains over tmax + 1 = 257 steps, gets each
step's input current with one tensordot, integrates it with a cumsum over time, forces the fake
spike at tmax, and takes the first threshold crossing (+1 step of delay). The backward pass is
S4NN's relative-target rule with per-layer normalised deltas and per-sample SGD in the reference
order (update, decay, BS4NN's scale, then back-propagation through the updated real weights).
float64 throughout, as NumPy's default in the reference.

Input: a raw file of n*784 pixel bytes followed by n label bytes (written by bench/peers.ts).
Output: one line `BENCH_RESULT {json}` with per-algorithm timings.
"""
import argparse
import json
import os
import platform
import resource
import sys
import time

import numpy as np

TMAX = 256

CONFIGS = {
    # algorithms.md 1.3 (S4NN.py) and 2.2 (BS4NN_mnist.ipynb)
    's4nn': dict(hidden=400, theta=(100.0, 100.0), eta=(0.2, 0.2), lam=(1e-6, 1e-6), init=((0, 5), (0, 48)),
                 gamma=3, binary=False, alpha=(1.0, 1.0), alpha_lr=(0.0, 0.0), pull_label=True),
    'bs4nn': dict(hidden=600, theta=(100.0, 100.0), eta=(0.1, 0.1), lam=(0.0, 0.0), init=((0, 5), (0, 48)),
                  gamma=1, binary=True, alpha=(5.0, 5.0), alpha_lr=(0.01, 0.01), pull_label=False),
}


def encode(pixels, algo):
    p = pixels.astype(np.int64)
    if algo == 's4nn':
        return ((255 - p) * 256) // 255   # p = 0 -> 256 = tmax: no effective spike
    return 255 - p                        # BS4NN: p = 0 -> 255


def layer_forward(w, t_in, thr):
    """Dense non-leaky IF layer over tmax + 1 steps; returns first-spike times (tmax = none)."""
    n_in = t_in.shape[0]
    spikes = np.zeros((n_in, TMAX + 1))
    spikes[np.arange(n_in), t_in] = 1.0
    current = np.tensordot(w, spikes, axes=(1, 0))   # (n_out, tmax + 1)
    v = np.cumsum(current, axis=1)
    v[:, TMAX] = thr + 1.0                            # fake spike at tmax
    t = np.argmax(v > thr, axis=1) + 1                # fire one step after the crossing
    return np.minimum(t, TMAX)


def train_step(ws, alpha, t_in, label, c):
    fw = [np.sign(w) for w in ws] if c['binary'] else ws
    thr = [c['theta'][l] / alpha[l] for l in range(2)]
    t_h = layer_forward(fw[0], t_in, thr[0])
    t_o = layer_forward(fw[1], t_h, thr[1])
    tau = t_o.min()
    correct = bool(t_o[label] == tau and tau < TMAX)
    if tau == TMAX:
        target = np.full(t_o.shape, TMAX, dtype=np.float64)
        target[label] = TMAX - c['gamma'] if c['pull_label'] else TMAX
    else:
        target = t_o.astype(np.float64)
        near = (t_o - tau) < c['gamma']
        target[near] = min(tau + c['gamma'], TMAX)
        target[label] = tau
    e = (target - t_o) / TMAX
    n = np.linalg.norm(e)
    delta_o = e / n if n != 0 else np.zeros_like(e)
    # output layer: update, decay, scale; then back-propagate through the updated real weights
    # g = delta_k [t_j < t_k] (the masked gradient), formed once per layer
    g = delta_o[:, None] * (t_h[None, :] < t_o[:, None])
    ws[1] -= c['eta'][1] * g
    if c['lam'][1]:
        ws[1] *= 1.0 - c['eta'][1] * c['lam'][1]
    if c['binary']:
        alpha[1] -= c['alpha_lr'][1] * np.mean(g * np.sign(ws[1]))
    delta_h = (g * ws[1]).sum(axis=0)
    n = np.linalg.norm(delta_h)
    if n != 0:
        delta_h = delta_h / n
    g = delta_h[:, None] * (t_in[None, :] < t_h[:, None])
    ws[0] -= c['eta'][0] * g
    if c['lam'][0]:
        ws[0] *= 1.0 - c['eta'][0] * c['lam'][0]
    if c['binary']:
        alpha[0] -= c['alpha_lr'][0] * np.mean(g * np.sign(ws[0]))
    return correct


def blas_info():
    """Which BLAS NumPy runs, and its core type / thread count where the library tells."""
    try:
        from threadpoolctl import threadpool_info  # type: ignore
        return {'source': 'threadpoolctl', 'pools': threadpool_info()}
    except Exception:
        pass
    import ctypes
    libs = set()
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                path = line.split()[-1]
                if '.so' in path and 'blas' in os.path.basename(path).lower():
                    libs.add(path)
    except OSError:
        pass
    out = []
    for path in sorted(libs):
        d = {'path': path}
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            out.append(d)
            continue
        for base, key, restype in (('openblas_get_config', 'config', ctypes.c_char_p),
                                   ('openblas_get_corename', 'corename', ctypes.c_char_p),
                                   ('openblas_get_num_threads', 'threads', ctypes.c_int)):
            for name in (base, base + '64_', 'scipy_' + base, 'scipy_' + base + '64_'):
                try:
                    fn = getattr(lib, name)
                except AttributeError:
                    continue
                fn.restype = restype
                v = fn()
                d[key] = v.decode() if isinstance(v, bytes) else v
                break
        out.append(d)
    return {'source': 'ctypes', 'libraries': out}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', required=True)
    ap.add_argument('--n', type=int, required=True, help='timed samples per algorithm')
    ap.add_argument('--algos', default='s4nn,bs4nn')
    ap.add_argument('--warmup', type=int, default=3, help='untimed samples first')
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()
    raw = np.fromfile(args.data, dtype=np.uint8)
    total = raw.size // 785
    images = raw[:total * 784].reshape(total, 784)
    labels = raw[total * 784:total * 785].astype(np.int64)
    need = args.n + args.warmup
    if total < need:
        raise SystemExit(f'data file holds {total} samples, need {need}')
    results = {}
    for algo in args.algos.split(','):
        c = CONFIGS[algo]
        rng = np.random.default_rng(args.seed)
        sizes = (784, c['hidden'], 10)
        ws = [rng.uniform(lo, hi, size=(sizes[l + 1], sizes[l])) for l, (lo, hi) in enumerate(c['init'])]
        alpha = list(c['alpha'])
        for i in range(args.warmup):
            train_step(ws, alpha, encode(images[i], algo), labels[i], c)
        per = []
        hits = 0
        t0 = time.perf_counter()
        for i in range(args.warmup, need):
            s = time.perf_counter()
            hits += train_step(ws, alpha, encode(images[i], algo), labels[i], c)
            per.append(time.perf_counter() - s)
        wall = time.perf_counter() - t0
        per.sort()
        results[algo] = {
            'architecture': f'784-{c["hidden"]}-10', 'samples': args.n, 'seconds': wall,
            'samplesPerSecond': args.n / wall, 'epoch60kSeconds': 60000 * wall / args.n,
            'msPerSampleMedian': 1000 * per[len(per) // 2], 'msPerSampleMean': 1000 * wall / args.n,
            'trainAccuracyNotebookRule': hits / args.n, 'finite': bool(all(np.isfinite(w).all() for w in ws)),
        }
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print('BENCH_RESULT ' + json.dumps({
        'python': sys.executable, 'pythonVersion': platform.python_version(), 'numpy': np.__version__, 'blas': blas_info(),
        'env': {k: os.environ.get(k) for k in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')},
        'results': results, 'maxRssMiB': ru.ru_maxrss / 1024, 'cpuSeconds': ru.ru_utime + ru.ru_stime,
    }), flush=True)


if __name__ == '__main__':
    main()
