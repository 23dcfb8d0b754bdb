#!/usr/bin/env python3
"""The "just use PyTorch" alternative: a plain float MLP of BS4NN's shape (784-600-10, ReLU,
softmax cross-entropy) trained with SGD on CPU, timed at batch 1 and batch 100.

Input: a raw file of n*784 pixel bytes followed by n label bytes (written by bench/peers.ts).
Output: one line `BENCH_RESULT {json}`.
"""
import argparse
import json
import os
import platform
import re
import resource
import sys
import time

import torch
from torch import nn


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', required=True)
    ap.add_argument('--batches', default='1,100')
    ap.add_argument('--samples', default='5000,30000', help='timed samples per batch size (comma list, same order)')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--hidden', type=int, default=600)
    ap.add_argument('--warmup-steps', type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    raw = torch.from_numpy(__import__('numpy').fromfile(args.data, dtype='uint8'))
    total = raw.numel() // 785
    x_all = raw[:total * 784].reshape(total, 784).float() / 255.0
    y_all = raw[total * 784:total * 785].long()
    # the BLAS torch really calls: one sgemm of the first layer's batch-100 forward shape
    a, b = torch.randn(100, 784), torch.randn(784, args.hidden)
    for _ in range(3):
        a @ b
    reps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 0.3 or reps < 3:
        a @ b
        reps += 1
    sgemm_gflops = 2 * 100 * 784 * args.hidden * reps / (time.perf_counter() - t0) / 1e9
    blas_info = ['torch BLAS_INFO=' + m for m in re.findall(r'BLAS_INFO=(\w+)', torch.__config__.show())[:1]]
    try:
        blas_info.append('libblas.so.3 -> ' + os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3'))
    except OSError:
        pass
    results = {}
    for batch, n in zip([int(b) for b in args.batches.split(',')], [int(s) for s in args.samples.split(',')]):
        model = nn.Sequential(nn.Linear(784, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = nn.CrossEntropyLoss()

        def step(i):
            xb, yb = x_all[i:i + batch], y_all[i:i + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            return loss

        steps = max(1, n // batch)
        if steps * batch + args.warmup_steps * batch > total:
            raise SystemExit(f'data file holds {total} samples, batch {batch} needs {(steps + args.warmup_steps) * batch}')
        for s in range(args.warmup_steps):
            step(s * batch)
        t0 = time.perf_counter()
        for s in range(steps):
            loss = step((args.warmup_steps + s) * batch)
        wall = time.perf_counter() - t0
        results[str(batch)] = {'batch': batch, 'samples': steps * batch, 'seconds': wall, 'samplesPerSecond': steps * batch / wall,
                               'epoch60kSeconds': 60000 * wall / (steps * batch), 'finalLoss': float(loss)}
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print('BENCH_RESULT ' + json.dumps({
        'python': sys.executable, 'pythonVersion': platform.python_version(), 'torch': torch.__version__, 'threads': torch.get_num_threads(),
        'architecture': f'784-{args.hidden}-10 float32 ReLU MLP, SGD lr 0.01',
        'parallelInfo': torch.__config__.parallel_info().strip().split('\n')[:6], 'blasInfo': blas_info, 'sgemmGflops': sgemm_gflops,
        'results': results, 'maxRssMiB': ru.ru_maxrss / 1024, 'cpuSeconds': ru.ru_utime + ru.ru_stime,
    }), flush=True)


if __name__ == '__main__':
    main()
