#!/usr/bin/python3
"""PyTorch side of scripts/bench.ts: nn.LSTM + Linear on the last step, MSE, Adam(1e-3).

Prints one JSON line: {"train_sps", "infer_sps", "max_rss_mb", "torch", "threads", ...}.
Without --data: random windows in contiguous batches. With --data FILE (the panel config: every
training window, x [n, steps, features] then y [n, outputs], float32 little-endian, as
scripts/bench-panel.ts writes them): batches of a seeded shuffle, gathered per step, as a
DataLoader over a TensorDataset with shuffle=True does.
Run with Debian's /usr/bin/python3 (python3-torch). Thread settings are fixed here so runs are
comparable: OPENBLAS_NUM_THREADS=1 (set by the caller before import), torch.set_num_threads(2).
"""
import argparse
import json
import os
import resource
import time

import torch

p = argparse.ArgumentParser()
p.add_argument('--n', type=int, required=True)
p.add_argument('--steps', type=int, required=True)
p.add_argument('--features', type=int, required=True)
p.add_argument('--units', type=int, required=True)
p.add_argument('--layers', type=int, required=True)
p.add_argument('--batch', type=int, required=True)
p.add_argument('--seconds', type=float, default=8.0)
p.add_argument('--warmup-seconds', type=float, default=8.0)
p.add_argument('--metrics', default='train,infer')
p.add_argument('--threads', type=int, default=2)
p.add_argument('--data', help='file of windows (see above) instead of random data')
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(0)


class Net(torch.nn.Module):
    def __init__(self, outputs):
        super().__init__()
        self.lstm = torch.nn.LSTM(a.features, a.units, a.layers, batch_first=True)
        self.head = torch.nn.Linear(a.units, outputs)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


if a.data is None:
    x = torch.randn(a.n, a.steps, a.features)
    y = torch.randn(a.n, 1)
else:
    import numpy as np
    values = np.fromfile(a.data, dtype='<f4')
    x_size = a.n * a.steps * a.features
    if (values.size - x_size) % a.n != 0 or values.size <= x_size:
        raise SystemExit(f'--data {a.data}: {values.size} floats do not hold {a.n} windows of {a.steps} x {a.features} plus targets')
    x = torch.from_numpy(values[:x_size].reshape(a.n, a.steps, a.features))
    y = torch.from_numpy(values[x_size:].reshape(a.n, -1))
net = Net(y.shape[1])
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = torch.nn.MSELoss()
if a.data is None:
    batches = [(x[i:i + a.batch], y[i:i + a.batch]) for i in range(0, a.n, a.batch)]
else:
    batches = list(torch.randperm(a.n, generator=torch.Generator().manual_seed(0)).split(a.batch))


def batch(i):
    b = batches[i % len(batches)]
    return b if a.data is None else (x[b], y[b])


def timed(step, min_warmup=3, min_iters=3):
    # warm-up: one epoch, or --warmup-seconds, whichever ends first (at least 3 batches), as
    # scripts/bench.ts does for the tfjs variants
    warm_start = time.perf_counter()
    i = 0
    while i < len(batches) and (i < min_warmup or time.perf_counter() - warm_start < a.warmup_seconds):
        step(i)
        i += 1
    done, samples, start = 0, 0, time.perf_counter()
    while done < min_iters or time.perf_counter() - start < a.seconds:
        samples += step(done)
        done += 1
    return samples / (time.perf_counter() - start)


def train_step(i):
    xb, yb = batch(i)
    opt.zero_grad()
    loss = loss_fn(net(xb), yb)
    loss.backward()
    opt.step()
    loss.item()
    return xb.shape[0]


def infer_step(i):
    xb, _ = batch(i)
    with torch.no_grad():
        net(xb).numpy()
    return xb.shape[0]


result = {
    'torch': torch.__version__,
    'threads': torch.get_num_threads(),
    'interop_threads': torch.get_num_interop_threads(),
    'OPENBLAS_NUM_THREADS': os.environ.get('OPENBLAS_NUM_THREADS'),
}
metrics = a.metrics.split(',')
if 'train' in metrics:
    result['train_sps'] = timed(train_step)
if 'infer' in metrics:
    result['infer_sps'] = timed(infer_step)
result['max_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
