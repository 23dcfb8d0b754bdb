#!/usr/bin/env python3
"""Proxy learning (Kheradpisheh, Mirsadeghi, Masquelier 2022) in plain PyTorch: the peer baseline
and the cross-check for snnwasm's `proxy` algorithm.

An independent re-implementation of the authors' training step (Proxy_FashionMnist.ipynb with
SpikingJelly 0.0.0.0.8; docs: ../shared/notes/algorithms.md section 4.2), without SpikingJelly:

* ANN: conv (no bias) -> BatchNorm2d -> ReLU, 2x2 max-pool, fc (no bias) -> ReLU, last fc linear.
* SNN: the same weights and BN gamma/beta (shared), its OWN BN running statistics. The first
  weighted layer (conv + BN) is computed once on the analog image and fed every time step; every
  later layer: conv -> BN -> IF, pool = max-pool of spikes (logical OR), fc -> IF; the output layer
  is IF too and its spike counts over T steps (not divided by T) are the SNN's output.
* IF neuron (SpikingJelly IFNode, written out by hand): v += x; s = H(v - theta) with H(0) = 1;
  hard reset v = (1 - s) v + s * v_reset, v_reset = 0, theta = 2.0; v = 0 at the start of a batch.
* One step: out = ANN(x) (with graph); counts = SNN(x) under no_grad; out.data.copy_(counts);
  loss = mse_loss(out, one_hot(y)); loss.backward(); Adam(lr 1e-4, betas (0.8, 0.99), eps 1e-8,
  weight_decay 1e-6).step().
* BN regime: epoch 0 in train mode (batch statistics; the SNN's BN after a spiking layer sees
  per-time-step batch statistics and updates its running stats T times per batch), eval mode from
  epoch 1 on (frozen running statistics, gamma/beta still learn).

Architectures are JSON: {"name": ..., "input": [C, H, W], "classes": 10, "layers": [...]} with
layers {"kind": "conv", "out": n, "k": 3, "stride": 1, "pad": 1} | {"kind": "pool"} |
{"kind": "fc", "out": n} (snnwasm's src/algorithms/proxy/models.ts format). Parameters are in
PyTorch layouts and in this order: for each conv its weight [Cout, Cin, k, k], BN gamma [C],
BN beta [C]; for each fc its weight [out, in] (input flattened C, H, W).

Modes:
  time     images/s of one full training step at a given batch size (median of timed steps after
           warm-up), with a per-phase breakdown; prints `BENCH_RESULT {json}`.
  fixture  small deterministic configurations written as .npy files (weights, inputs, labels, ANN
           output, SNN counts, loss, every parameter's gradient, parameters after one Adam step,
           BN running statistics) in float32 and float64, BN in train and in eval mode, for
           snnwasm's node test (test/fixtures/proxy/).
"""
import argparse
import json
import os
import platform
import re
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

THETA = 2.0
V_RESET = 0.0
BN_EPS = 1e-5
BN_MOMENTUM = 0.1
ADAM = dict(lr=1e-4, betas=(0.8, 0.99), eps=1e-8, weight_decay=1e-6)

# The reference network (algorithms.md 4.2); the TS bench passes its own copy of models.ts as JSON.
BUILTIN = {
    'fmnist-paper': {'name': 'fmnist-paper', 'input': [1, 28, 28], 'classes': 10, 'layers': [
        {'kind': 'conv', 'out': 128}, {'kind': 'conv', 'out': 128}, {'kind': 'pool'},
        {'kind': 'conv', 'out': 128}, {'kind': 'pool'},
        {'kind': 'fc', 'out': 2560}, {'kind': 'fc', 'out': 1152}, {'kind': 'fc', 'out': 256}, {'kind': 'fc', 'out': 10}]},
}


# ------------------------------------------------------------------------------------------------
# architecture

def parse_arch(text):
    if text in BUILTIN:
        return BUILTIN[text]
    if os.path.exists(text):
        with open(text) as f:
            text = f.read()
    a = json.loads(text)
    if isinstance(a, list):
        a = {'name': 'custom', 'input': [1, 28, 28], 'layers': a}
    if 'input' not in a or 'layers' not in a:
        raise SystemExit('--arch: JSON needs "input": [C, H, W] and "layers": [...]')
    a.setdefault('name', 'custom')
    return a


def plan(arch):
    """Per layer: its kind, parameters and output shape; the last fc is the output layer."""
    C, H, W = arch['input']
    shape = (C, H, W)
    out = []
    fcs = [i for i, L in enumerate(arch['layers']) if L['kind'] == 'fc']
    if not fcs or fcs[-1] != len(arch['layers']) - 1:
        raise SystemExit('architecture: the last layer must be fc (the output layer)')
    for i, L in enumerate(arch['layers']):
        k = L['kind']
        if k == 'conv':
            if len(shape) != 3:
                raise SystemExit(f'layer {i}: conv after fc')
            ks, st, pd = L.get('k', 3), L.get('stride', 1), L.get('pad', 1)
            c, h, w = shape
            shape = (L['out'], (h + 2 * pd - ks) // st + 1, (w + 2 * pd - ks) // st + 1)
            out.append(dict(kind='conv', cin=c, out=L['out'], k=ks, stride=st, pad=pd, shape=shape))
        elif k == 'pool':
            if len(shape) != 3:
                raise SystemExit(f'layer {i}: pool after fc')
            c, h, w = shape
            shape = (c, h // 2, w // 2)
            out.append(dict(kind='pool', shape=shape))
        elif k == 'fc':
            fin = int(np.prod(shape))
            shape = (L['out'],)
            out.append(dict(kind='fc', fin=fin, out=L['out'], shape=shape, last=(i == len(arch['layers']) - 1)))
        else:
            raise SystemExit(f'layer {i}: unknown kind {k!r}')
    return out


def param_specs(layers):
    """(name, shape, fan_in) in snnwasm's weights() order."""
    specs = []
    for i, L in enumerate(layers):
        if L['kind'] == 'conv':
            specs.append((f'l{i}_conv_w', (L['out'], L['cin'], L['k'], L['k']), L['cin'] * L['k'] * L['k']))
            specs.append((f'l{i}_bn_gamma', (L['out'],), None))
            specs.append((f'l{i}_bn_beta', (L['out'],), None))
        elif L['kind'] == 'fc':
            specs.append((f'l{i}_fc_w', (L['out'], L['fin']), L['fin']))
    return specs


def macs_per_image(layers, T):
    """Dense multiply-adds: ANN forward, SNN forward (first layer once, the rest T times), and the
    ANN backward counted as 2x forward (input and weight gradients; the first conv's input
    gradient is skipped by autograd, which this estimate ignores)."""
    per = []
    for L in layers:
        if L['kind'] == 'conv':
            c, h, w = L['shape']
            per.append(c * h * w * L['cin'] * L['k'] * L['k'])
        elif L['kind'] == 'fc':
            per.append(L['fin'] * L['out'])
    ann = sum(per)
    snn = per[0] + T * sum(per[1:])
    return dict(annForward=ann, snnForward=snn, annBackward=2 * ann, total=ann * 3 + snn)


# ------------------------------------------------------------------------------------------------
# the model (functional; parameters are a list of tensors in param_specs order)

class Net:
    def __init__(self, arch, params, dtype, ann_stats=None, snn_stats=None):
        self.arch = arch
        self.layers = plan(arch)
        self.specs = param_specs(self.layers)
        self.dtype = dtype
        self.params = [torch.nn.Parameter(torch.as_tensor(np.asarray(p)).to(dtype).clone()) for p in params]
        # separate running statistics (the reference shares gamma/beta but not the buffers)
        convs = [i for i, L in enumerate(self.layers) if L['kind'] == 'conv']
        def fresh():
            return {i: [torch.zeros(self.layers[i]['out'], dtype=dtype), torch.ones(self.layers[i]['out'], dtype=dtype)] for i in convs}
        def given(st):
            return {i: [torch.as_tensor(np.asarray(st[i][0])).to(dtype).clone(), torch.as_tensor(np.asarray(st[i][1])).to(dtype).clone()] for i in convs}
        self.ann_stats = given(ann_stats) if ann_stats else fresh()
        self.snn_stats = given(snn_stats) if snn_stats else fresh()
        # layer index -> its parameters
        self.by_layer = {}
        k = 0
        for i, L in enumerate(self.layers):
            if L['kind'] == 'conv':
                self.by_layer[i] = self.params[k:k + 3]
                k += 3
            elif L['kind'] == 'fc':
                self.by_layer[i] = self.params[k:k + 1]
                k += 1

    def _weighted(self, i, h, stats, bn_train):
        """conv + BN, or fc, of layer i (no activation)."""
        L = self.layers[i]
        if L['kind'] == 'conv':
            w, g, b = self.by_layer[i]
            h = F.conv2d(h, w, None, L['stride'], L['pad'])
            m, v = stats[i]
            return F.batch_norm(h, m, v, g, b, training=bn_train, momentum=BN_MOMENTUM, eps=BN_EPS)
        if h.dim() > 2:
            h = h.flatten(1)
        return F.linear(h, self.by_layer[i][0])

    def ann(self, x, bn_train):
        h = x
        for i, L in enumerate(self.layers):
            if L['kind'] == 'pool':
                h = F.max_pool2d(h, 2)
            else:
                h = self._weighted(i, h, self.ann_stats, bn_train)
                if not L.get('last'):
                    h = F.relu(h)
        return h

    @torch.no_grad()
    def snn(self, x, T, bn_train, probe=None):
        """Spike counts of the output layer over T steps. `probe` (a dict) collects per-layer spike
        counts and the smallest |v - theta| seen at any threshold test, per IF layer."""
        first = next(i for i, L in enumerate(self.layers) if L['kind'] != 'pool')
        h = x
        for i in range(first):
            h = F.max_pool2d(h, 2)
        static = self._weighted(first, h, self.snn_stats, bn_train)
        v = {}
        counts = None
        for t in range(T):
            h = None
            for i in range(first, len(self.layers)):
                L = self.layers[i]
                if L['kind'] == 'pool':
                    h = F.max_pool2d(h, 2)   # on {0, 1} spikes: logical OR
                    continue
                cur = static if i == first else self._weighted(i, h, self.snn_stats, bn_train)
                # IF node (SpikingJelly 0.0.0.0.8 IFNode, hard reset)
                vi = v.get(i)
                vi = cur.clone() if vi is None else vi + cur     # v starts at v_reset = 0: 0 + x = x
                s = ((vi - THETA) >= 0).to(cur.dtype)
                if probe is not None:
                    d = (vi - THETA).abs().min().item()
                    mg = probe.setdefault('margin', {})
                    mg[i] = min(mg.get(i, float('inf')), d)
                    acc = probe.setdefault('counts', {})
                    acc[i] = s.clone() if i not in acc else acc[i] + s
                v[i] = (1.0 - s) * vi + s * V_RESET
                h = s
            counts = h.clone() if counts is None else counts + h
        return counts

    def optimizer(self):
        return torch.optim.Adam(self.params, **ADAM)


def train_step(net, opt, x, y, T, bn_train, classes, probe=None, keep=None):
    """The authors' step. Returns (loss, ann output before substitution, counts)."""
    opt.zero_grad(set_to_none=True)
    out = net.ann(x, bn_train)
    counts = net.snn(x, T, bn_train, probe)
    ann_out = out.detach().clone() if keep is not None else None
    out.data.copy_(counts)
    loss = F.mse_loss(out, F.one_hot(y, classes).to(out.dtype))
    loss.backward()
    opt.step()
    return loss.detach(), ann_out, counts


# ------------------------------------------------------------------------------------------------
# time mode

def blas_info():
    info = ['torch BLAS_INFO=' + m for m in re.findall(r'BLAS_INFO=(\w+)', torch.__config__.show())[:1]]
    try:
        info.append('libblas.so.3 -> ' + os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3'))
    except OSError:
        pass
    return info


def init_params(specs, rng):
    """PyTorch's default initialisation (kaiming_uniform a=sqrt(5): U(+-1/sqrt(fan_in))), BN gamma 1, beta 0."""
    out = []
    for name, shape, fan in specs:
        if name.endswith('gamma'):
            out.append(np.ones(shape, np.float32))
        elif name.endswith('beta'):
            out.append(np.zeros(shape, np.float32))
        else:
            b = 1.0 / np.sqrt(fan)
            out.append(rng.uniform(-b, b, size=shape).astype(np.float32))
    return out


def load_images(path, arch, n, rng):
    C, H, W = arch['input']
    per = C * H * W
    if path:
        raw = np.fromfile(path, dtype=np.uint8)
        total = raw.size // (per + 1)
        if total < n:
            raise SystemExit(f'--data holds {total} images, need {n}')
        x = raw[:total * per].reshape(total, C, H, W)[:n]
        y = raw[total * per:total * (per + 1)][:n]
        return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64)), 'file'
    x = rng.integers(0, 256, size=(n, C, H, W)).astype(np.float32) / 255.0
    y = rng.integers(0, arch.get('classes', 10), size=n)
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64)), 'uniform random pixels'


def mode_time(args):
    global THETA
    THETA = args.theta
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    arch = parse_arch(args.arch)
    layers = plan(arch)
    specs = param_specs(layers)
    net = Net(arch, init_params(specs, rng), torch.float32)
    opt = net.optimizer()
    steps = args.warmup + args.steps
    x_all, y_all, source = load_images(args.data, arch, args.batch * min(steps, args.distinct_batches), rng)
    nb = x_all.shape[0] // args.batch
    bn_train = args.bn == 'train'
    classes = arch.get('classes', 10)
    walls, cpus, phases, rates = [], [], [], []
    for s in range(steps):
        j = s % nb
        x, y = x_all[j * args.batch:(j + 1) * args.batch], y_all[j * args.batch:(j + 1) * args.batch]
        c0 = time.process_time()   # CPU time of all this process's threads
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        out = net.ann(x, bn_train)
        t1 = time.perf_counter()
        counts = net.snn(x, args.T, bn_train)
        t2 = time.perf_counter()
        out.data.copy_(counts)
        loss = F.mse_loss(out, F.one_hot(y, classes).to(out.dtype))
        loss.backward()
        t3 = time.perf_counter()
        opt.step()
        t4 = time.perf_counter()
        c4 = time.process_time()
        if s >= args.warmup:
            walls.append(t4 - t0)
            cpus.append(c4 - c0)
            phases.append(dict(annForward=t1 - t0, snnForward=t2 - t1, annBackward=t3 - t2, adam=t4 - t3))
        print(f'step {s}{" (warm-up)" if s < args.warmup else ""}: {t4 - t0:.3f} s, loss {float(loss):.4f}', file=sys.stderr, flush=True)
    if args.rates:
        # untimed: spike rates (spikes per neuron per step) of each IF layer on the last batch
        probe = {}
        net.snn(x, args.T, bn_train, probe)   # after timing: its extra BN-stat update does not matter
        rates.append({str(i): float(c.mean().item()) / args.T for i, c in probe['counts'].items()})
    med = float(np.median(walls))
    ru = resource.getrusage(resource.RUSAGE_SELF)
    mac = macs_per_image(layers, args.T)
    print('BENCH_RESULT ' + json.dumps({
        'python': sys.executable, 'pythonVersion': platform.python_version(), 'torch': torch.__version__, 'numpy': np.__version__,
        'threads': torch.get_num_threads(), 'interopThreads': torch.get_num_interop_threads(),
        'arch': arch, 'T': args.T, 'theta': THETA, 'batch': args.batch, 'bn': args.bn, 'dataSource': source,
        'warmupSteps': args.warmup, 'timedSteps': args.steps,
        'stepSeconds': walls, 'stepSecondsMedian': med, 'imagesPerSecond': args.batch / med,
        'stepCpuSeconds': cpus, 'imagesPerCpuSecond': args.batch / float(np.median(cpus)),
        'phasesMedian': {k: float(np.median([p[k] for p in phases])) for k in phases[0]},
        'spikeRates': rates[-1] if rates else None,
        'macsPerImage': mac, 'gmacPerSecond': mac['total'] * args.batch / med / 1e9,
        'parallelInfo': torch.__config__.parallel_info().strip().split('\n')[:6], 'blasInfo': blas_info(),
        'maxRssMiB': ru.ru_maxrss / 1024, 'cpuSeconds': ru.ru_utime + ru.ru_stime, 'cpuUserSeconds': ru.ru_utime, 'cpuSystemSeconds': ru.ru_stime,
    }), flush=True)


# ------------------------------------------------------------------------------------------------
# fixture mode

# Small configurations that exercise every part of the semantics: the static first conv + BN,
# a conv on spikes with per-step BN, OR pooling, hidden fc IF layers and the IF output layer.
# `varied` adds non-default conv geometry (k 5 pad 2, stride 2, pad 0).
FIXTURES = {
    'tiny': dict(arch={'name': 'tiny', 'input': [1, 8, 8], 'classes': 10, 'layers': [
        {'kind': 'conv', 'out': 4}, {'kind': 'conv', 'out': 4}, {'kind': 'pool'},
        {'kind': 'fc', 'out': 12}, {'kind': 'fc', 'out': 10}]}, T=8, batch=6, seed=20201, crop=(10, 10)),
    'varied': dict(arch={'name': 'varied', 'input': [1, 12, 12], 'classes': 10, 'layers': [
        {'kind': 'conv', 'out': 3, 'k': 5, 'pad': 2}, {'kind': 'conv', 'out': 5, 'stride': 2}, {'kind': 'pool'},
        {'kind': 'conv', 'out': 4, 'pad': 0}, {'kind': 'fc', 'out': 10}]}, T=5, batch=5, seed=20202, crop=(8, 8)),
}


def read_idx_images(path):
    import gzip
    with gzip.open(path, 'rb') as f:
        b = f.read()
    n, h, w = int.from_bytes(b[4:8], 'big'), int.from_bytes(b[8:12], 'big'), int.from_bytes(b[12:16], 'big')
    return np.frombuffer(b, np.uint8, offset=16).reshape(n, h, w)


def read_idx_labels(path):
    import gzip
    with gzip.open(path, 'rb') as f:
        b = f.read()
    return np.frombuffer(b, np.uint8, offset=8)


def fixture_params(specs, rng):
    """Deterministic weights, scaled so that every IF layer spikes a fair amount (the default
    initialisation leaves a tiny net's fc layers nearly silent, which would test little)."""
    out = []
    for name, shape, fan in specs:
        if name.endswith('gamma'):
            out.append(rng.uniform(0.6, 1.6, size=shape).astype(np.float32))
        elif name.endswith('beta'):
            out.append(rng.uniform(-0.2, 0.6, size=shape).astype(np.float32))
        else:
            b = (1.0 if '_conv_' in name else 3.0) / np.sqrt(fan)
            out.append(rng.uniform(-b, b + (0.3 if '_conv_' in name else 0.8) * b, size=shape).astype(np.float32))
    return out


def fixture_stats(layers, rng, tag):
    st = {}
    for i, L in enumerate(layers):
        if L['kind'] == 'conv':
            st[i] = (rng.uniform(-0.3, 0.3, size=L['out']).astype(np.float32), rng.uniform(0.2, 1.5, size=L['out']).astype(np.float32))
    return st


def mode_fixture(args):
    torch.set_num_threads(1)
    data = args.dataset_dir
    imgs = read_idx_images(os.path.join(data, 'train-images-idx3-ubyte.gz'))
    labs = read_idx_labels(os.path.join(data, 'train-labels-idx1-ubyte.gz'))
    os.makedirs(args.out, exist_ok=True)
    index = {}
    fixtures = FIXTURES
    if args.arch:
        # one extra configuration (not committed: e.g. a full-size net for a one-off check)
        a = parse_arch(args.arch)
        fixtures = {a['name']: dict(arch=a, T=args.T, batch=args.batch, seed=args.seed, crop=(0, 0), init='pytorch')}
    for fname, cfg in fixtures.items():
        arch, T, B = cfg['arch'], cfg['T'], cfg['batch']
        layers = plan(arch)
        specs = param_specs(layers)
        rng = np.random.default_rng(cfg['seed'])
        # the committed tiny nets get scaled weights (see fixture_params); a full-size net PyTorch's default init
        params = init_params(specs, rng) if cfg.get('init') == 'pytorch' else fixture_params(specs, rng)
        C, H, W = arch['input']
        r0, c0 = cfg['crop']
        sel = rng.choice(1000, size=B, replace=False)
        u8 = imgs[sel, r0:r0 + H, c0:c0 + W].reshape(B, C, H, W)
        x32 = (u8.astype(np.float32) / np.float32(255.0)).astype(np.float32)
        y = labs[sel].astype(np.int64)
        ann_stats = fixture_stats(layers, rng, 'ann')
        snn_stats = fixture_stats(layers, rng, 'snn')
        d = os.path.join(args.out, fname)
        os.makedirs(d, exist_ok=True)
        for (name, _, _), p in zip(specs, params):
            np.save(os.path.join(d, f'param_{name}.npy'), p)
        np.save(os.path.join(d, 'images.npy'), x32)
        np.save(os.path.join(d, 'images_u8.npy'), u8.astype(np.float32))
        np.save(os.path.join(d, 'labels.npy'), y.astype(np.float32))
        for i, (m, v) in ann_stats.items():
            np.save(os.path.join(d, f'eval_ann_l{i}_bn_mean.npy'), m)
            np.save(os.path.join(d, f'eval_ann_l{i}_bn_var.npy'), v)
        for i, (m, v) in snn_stats.items():
            np.save(os.path.join(d, f'eval_snn_l{i}_bn_mean.npy'), m)
            np.save(os.path.join(d, f'eval_snn_l{i}_bn_var.npy'), v)
        meta = dict(arch=arch, T=T, batch=B, theta=THETA, vReset=V_RESET, bnEps=BN_EPS, bnMomentum=BN_MOMENTUM, adam=ADAM,
                    adamStep=1, seed=cfg['seed'], trainIndices=sel.tolist(), crop=dict(row=r0, col=c0),
                    params=[dict(name=n, shape=list(s), file=f'param_{n}.npy') for n, s, _ in specs],
                    ifLayers=[i for i, L in enumerate(layers) if L['kind'] in ('conv', 'fc')],
                    torch=torch.__version__, numpy=np.__version__, python=platform.python_version(), regimes={})
        for regime in ('train', 'eval'):
            bn_train = regime == 'train'
            results = {}
            for dt, tdt in (('f32', torch.float32), ('f64', torch.float64)):
                net = Net(arch, params, tdt, None if bn_train else ann_stats, None if bn_train else snn_stats)
                opt = net.optimizer()
                x = torch.from_numpy(x32).to(tdt)
                probe = {}
                loss, ann_out, counts = train_step(net, opt, x, torch.from_numpy(y), T, bn_train, arch['classes'], probe, keep=True)
                sub = os.path.join(d, regime, dt)
                os.makedirs(sub, exist_ok=True)
                npdt = np.float32 if dt == 'f32' else np.float64
                np.save(os.path.join(sub, 'ann_out.npy'), ann_out.numpy().astype(npdt))
                np.save(os.path.join(sub, 'snn_counts.npy'), counts.numpy().astype(npdt))
                np.save(os.path.join(sub, 'loss.npy'), np.array([float(loss)], npdt))
                for i, c in probe['counts'].items():
                    np.save(os.path.join(sub, f'snn_l{i}_spike_counts.npy'), c.numpy().astype(npdt))
                for (name, _, _), p in zip(specs, net.params):
                    np.save(os.path.join(sub, f'grad_{name}.npy'), p.grad.numpy().astype(npdt))
                    np.save(os.path.join(sub, f'adam1_{name}.npy'), p.detach().numpy().astype(npdt))
                if bn_train:
                    for tag, st in (('ann', net.ann_stats), ('snn', net.snn_stats)):
                        for i, (m, v) in st.items():
                            np.save(os.path.join(sub, f'{tag}_l{i}_bn_mean_after.npy'), m.numpy().astype(npdt))
                            np.save(os.path.join(sub, f'{tag}_l{i}_bn_var_after.npy'), v.numpy().astype(npdt))
                results[dt] = dict(loss=float(loss), counts=counts.numpy(), margin={str(k): v for k, v in probe['margin'].items()},
                                   spikes={str(k): int(c.sum().item()) for k, c in probe['counts'].items()},
                                   grads={name: p.grad.numpy().astype(np.float64) for (name, _, _), p in zip(specs, net.params)},
                                   ann=ann_out.numpy().astype(np.float64))
            r32, r64 = results['f32'], results['f64']
            gdiff = {n: float(np.max(np.abs(r32['grads'][n] - r64['grads'][n]))) for n in r64['grads']}
            gscale = {n: float(np.max(np.abs(r64['grads'][n]))) for n in r64['grads']}
            meta['regimes'][regime] = dict(
                loss={'f32': r32['loss'], 'f64': r64['loss']},
                countsEqualF32F64=bool(np.array_equal(r32['counts'], r64['counts'])),
                outputCounts=r64['counts'].astype(int).tolist(),
                minAbsVMinusTheta={'f32': r32['margin'], 'f64': r64['margin']},
                spikesPerLayer={'f32': r32['spikes'], 'f64': r64['spikes']},
                annMaxAbsDiffF32F64=float(np.max(np.abs(r32['ann'] - r64['ann']))),
                gradMaxAbsDiffF32F64=gdiff, gradMaxAbs=gscale)
            print(f'{fname} {regime}: loss f32 {r32["loss"]:.6f} f64 {r64["loss"]:.6f}; counts f32==f64: {meta["regimes"][regime]["countsEqualF32F64"]}; '
                  f'spikes {r64["spikes"]}; min |v-theta| {r64["margin"]}', file=sys.stderr)
        with open(os.path.join(d, 'meta.json'), 'w') as f:
            json.dump(meta, f, indent=1)
            f.write('\n')
        index[fname] = meta['regimes']
    print('BENCH_RESULT ' + json.dumps({'out': args.out, 'fixtures': list(index)}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='mode', required=True)
    t = sub.add_parser('time', help='images/s of one training step')
    t.add_argument('--arch', default='fmnist-paper', help='a builtin name (fmnist-paper), a JSON string or a JSON file')
    t.add_argument('--data', help='raw file: n*C*H*W pixel bytes then n label bytes (default: random pixels)')
    t.add_argument('--batch', type=int, default=100)
    t.add_argument('--T', type=int, default=15)
    t.add_argument('--theta', type=float, default=THETA, help='IF threshold (reference 2.0)')
    t.add_argument('--bn', choices=['train', 'eval'], default='train', help='BN regime: train (epoch 0) or eval (later epochs)')
    t.add_argument('--threads', type=int, default=os.cpu_count())
    t.add_argument('--warmup', type=int, default=1)
    t.add_argument('--steps', type=int, default=3)
    t.add_argument('--distinct-batches', type=int, default=4, help='cycle over this many batches of the data')
    t.add_argument('--rates', action='store_true', help='also report per-layer spike rates of the last step')
    f = sub.add_parser('fixture', help='write the cross-check fixtures')
    f.add_argument('--out', required=True)
    f.add_argument('--dataset-dir', default='/work/shared/data/fashion-mnist')
    f.add_argument('--arch', help='instead of the built-in fixtures: one architecture (JSON or builtin name), whole images')
    f.add_argument('--T', type=int, default=15)
    f.add_argument('--batch', type=int, default=8)
    f.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    if args.mode == 'time':
        mode_time(args)
    else:
        mode_fixture(args)


if __name__ == '__main__':
    main()
