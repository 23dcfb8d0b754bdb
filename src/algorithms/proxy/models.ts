// Named architectures for proxy learning, as data. Layer list:
//   {kind:'conv', out, k?, stride?, pad?}  3x3 / 1 / 1 by default; always conv (no bias) -> batch norm
//                                          -> ReLU (ANN) or IF (SNN); the first layer must be a conv
//                                          (its conv + BN is the SNN's analog input current)
//   {kind:'pool'}                          2x2 max pooling, stride 2 (logical OR on spike maps)
//   {kind:'fc', out}                       fully connected, no bias; hidden: ReLU / IF; the last one
//                                          is the output (linear in the ANN, IF counted in the SNN)
import { UsageError } from '../../errors.js';

export type LayerSpec = { kind: 'conv'; out: number; k?: number; stride?: number; pad?: number } | { kind: 'pool' } | { kind: 'fc'; out: number };

export interface Architecture { summary: string; layers: LayerSpec[] }

const conv = (out: number, pad?: number): LayerSpec => (pad === undefined ? { kind: 'conv', out } : { kind: 'conv', out, pad });
const pool: LayerSpec = { kind: 'pool' };
const fc = (out: number): LayerSpec => ({ kind: 'fc', out });

export const ARCHITECTURES: Record<string, Architecture> = {
  // The authors' Fashion-MNIST network (Proxy_FashionMnist.ipynb, algorithms.md 4.2): 19.6 M parameters.
  'fmnist-paper': { summary: 'reference Fashion-MNIST net: 3 conv 128 + FC 6272-2560-1152-256-10',
    layers: [conv(128), conv(128), pool, conv(128), pool, fc(2560), fc(1152), fc(256), fc(10)] },
  // The paper's CIFAR-10 net is not in the public code [GAP]. This is the layer list of the one public
  // replication (sheiksadique/proxy-learning model_def.py: conv 256, 512, pool, 3 x 512, pool, 512->256
  // without padding, FC 1024-1024-512-256-10), with max / OR pooling as in the authors' Fashion code
  // instead of that replication's sum pooling. See docs/proxy.md.
  'cifar10-paper': { summary: 'VGG-style CIFAR-10 net: conv 256-512-P-512-512-512-P-256(pad 0) + FC 9216-1024-1024-512-256-10',
    layers: [conv(256), conv(512), pool, conv(512), conv(512), conv(512), pool, conv(256, 0), fc(1024), fc(1024), fc(512), fc(256), fc(10)] },
  // Reduced widths for a 2-core CPU (docs/proxy.md: measured speed and accuracy).
  'fmnist-small': { summary: 'reduced Fashion-MNIST net: conv 32-32-P-64-P + FC 3136-256-10',
    layers: [conv(32), conv(32), pool, conv(64), pool, fc(256), fc(10)] },
  // 1.5x fmnist-small's conv widths and 2x its hidden fc: about 2.3x the multiply-adds per image, for the
  // 2-hour budget of issue 3 (docs/proxy.md, fifth run).
  'fmnist-medium': { summary: 'medium Fashion-MNIST net: conv 48-48-P-96-P + FC 4704-512-10',
    layers: [conv(48), conv(48), pool, conv(96), pool, fc(512), fc(10)] },
  'cifar10-small': { summary: 'reduced CIFAR-10 net: conv 32-32-P-64-64-P-64-P + FC 1024-256-10',
    layers: [conv(32), conv(32), pool, conv(64), conv(64), pool, conv(64), pool, fc(256), fc(10)] },
  // For tests and smoke runs only.
  tiny: { summary: 'test net: conv 4-P-4-P + FC 16-10', layers: [conv(4), pool, conv(4), pool, fc(16), fc(10)] },
};

export const ARCHITECTURE_NAMES = Object.keys(ARCHITECTURES);

export function architecture(name: string): Architecture {
  const a = ARCHITECTURES[name];
  if (!a) throw new UsageError('--model', `unknown model "${name}" (known: ${ARCHITECTURE_NAMES.join(', ')})`);
  return a;
}
