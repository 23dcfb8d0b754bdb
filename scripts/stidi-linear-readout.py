#!/usr/bin/env python3
"""How well a linear classifier reads the features a STiDi-BP output layer reads (from stidi-features.mjs).

Softmax regression (Adam, batch 256, 15 epochs, features standardised) on three codes of each pooled spike
time t (256 = silent): the indicator "fired" [t < 256], the latency 1 - t/256, and the PSP value K(T - t) =
clamp((T - t)/64, 0, 1) that an output deciding at step T has received from it. Prints these beside the
TTFS read-out's own strict accuracy on the same images. NumPy only.
  python3 scripts/stidi-linear-readout.py <out prefix>
"""
import json, sys
import numpy as np

pre = sys.argv[1]
info = json.load(open(f'{pre}.json'))
nF = info['features']

def load(split):
    X = np.fromfile(f'{pre}-{split}.u16', dtype=np.uint16).reshape(-1, nF).astype(np.float32)
    y = np.fromfile(f'{pre}-{split}-labels.u8', dtype=np.uint8).astype(np.int64)
    o = np.fromfile(f'{pre}-{split}-out.u16', dtype=np.uint16).reshape(len(y), -1)
    return X, y, o

Xtr, ytr, otr = load('train')
Xte, yte, ote = load('test')

def strict(o, y):
    m = o.min(1)
    unique = (o == m[:, None]).sum(1) == 1
    return float(np.mean(unique & (o[np.arange(len(y)), y] == m) & (m < 256)))

rng = np.random.default_rng(0)

def fit(F, Ft, epochs=15, lr=1e-3, wd=1e-5):
    mu, sd = F.mean(0), F.std(0) + 1e-3
    F, Ft = (F - mu) / sd, (Ft - mu) / sd
    k = int(ytr.max()) + 1
    W, b = np.zeros((F.shape[1], k), np.float32), np.zeros(k, np.float32)
    state = [[np.zeros_like(W), np.zeros_like(W)], [np.zeros_like(b), np.zeros_like(b)]]
    t = 0
    for _ in range(epochs):
        idx = rng.permutation(len(F))
        for s in range(0, len(F), 256):
            j = idx[s:s + 256]
            x = F[j]
            z = x @ W + b
            z -= z.max(1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(1, keepdims=True)
            p[np.arange(len(j)), ytr[j]] -= 1
            p /= len(j)
            t += 1
            for P, g, (m, v) in ((W, x.T @ p + wd * W, state[0]), (b, p.sum(0), state[1])):
                m *= 0.9; m += 0.1 * g
                v *= 0.999; v += 0.001 * g * g
                P -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    acc = lambda X, y: float(np.mean((X @ W + b).argmax(1) == y))
    return acc(F, ytr), acc(Ft, yte)

rows = {'TTFS read-out (strict)': (strict(otr, ytr), strict(ote, yte))}
rows['linear on [t < 256]'] = fit((Xtr < 256).astype(np.float32), (Xte < 256).astype(np.float32))
rows['linear on 1 - t/256'] = fit(1 - Xtr / 256, 1 - Xte / 256)
for T in (100, 150, 200):
    rows[f'linear on K({T} - t)'] = fit(np.clip((T - Xtr) / 64, 0, 1), np.clip((T - Xte) / 64, 0, 1))
print(f"{info['checkpoint']} ({info['dataset']}, {info['weights']} weights): {nF} {'pooled' if info.get('pooled', True) else 'unpooled'} features, "
      f"{float((Xtr < 256).mean()):.1%} of them fire (training set)")
print('| read-out | train | test |\n|---|---|---|')
for k, (a, b) in rows.items():
    print(f'| {k} | {a:.2%} | {b:.2%} |')
