#!/usr/bin/python3
"""PyTorch's side of bench/compare: the same workloads as
src/main/java/io/github/chainrule/bench/Workloads.java, written as a PyTorch user would write them.

Prints one JSON object: {"meta": {...}, "results": {workload: microseconds per operation}}.
Threads: torch.set_num_threads(--threads); the caller sets OPENBLAS_NUM_THREADS to match, because
OpenBLAS reads it once, when it loads.
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


def timed_cpu(fn, quick):
    """Process-CPU microseconds per call over the whole measurement (batches of at least 250 ms),
    after a warm-up of CPU time: the twin of CpuTimes.java, for a machine whose cores other
    processes share."""
    clock = time.process_time_ns
    warmup, measure = (2e9, 2e9) if quick else (4e9, 4e9)
    start = clock()
    while clock() - start < warmup:
        fn()
    start = clock()  # calibrate on warm code
    calls = 0
    while clock() - start < 1e8:
        fn()
        calls += 1
    batch = max(1, math.ceil(250e6 / ((clock() - start) / calls)))
    start = clock()
    total = 0
    while clock() - start < measure or total < 3 * batch:
        for _ in range(batch):
            fn()
        total += batch
    return (clock() - start) / 1e3 / total


def timed(fn, quick):
    """Mean microseconds per call, JMH style: warm-up rounds, then the mean of measured rounds."""
    warmup_s, rounds, round_s = (1.0, 3, 0.5) if quick else (3.0, 5, 1.0)
    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        fn()
    means = []
    for _ in range(rounds):
        calls = 0
        start = time.perf_counter()
        stop = start + round_s
        now = start
        while now < stop:
            fn()
            calls += 1
            now = time.perf_counter()
        means.append((now - start) / calls * 1e6)
    return sum(means) / len(means)


def matmul(n):
    g = torch.Generator().manual_seed(1)
    a = torch.randn(n, n, generator=g)
    b = torch.randn(n, n, generator=g)
    return lambda: torch.mm(a, b)


def elementwise(kind, size=1 << 20):
    g = torch.Generator().manual_seed(1)
    a = torch.randn(size, generator=g)
    b = torch.randn(size, generator=g)
    out = torch.empty(size)
    # relu has no out=; clamp_min(a, 0) is the same values written into a given tensor.
    return {"add": lambda: a + b, "relu": lambda: torch.relu(a), "sum": lambda: a.sum(),
            "add_out": lambda: torch.add(a, b, out=out),
            "relu_out": lambda: torch.clamp_min(a, 0, out=out)}[kind]


def mlp(spec, batch):
    sizes = [int(s) for s in spec.split("-")]
    torch.manual_seed(42)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    x = torch.randn(batch, sizes[0])
    out = sizes[-1]
    labels = torch.randint(0, out, (batch,))
    target = torch.randn(batch, out)

    def step():
        opt.zero_grad(set_to_none=True)
        h = model(x)
        loss = F.cross_entropy(h, labels) if out > 1 else F.mse_loss(h, target)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def wide_sgd():
    """h(x) = sum_i w_i relu(a_i x + b_i), d = 1024, fitted to cos(2x + 20x^2), one point a step."""
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(1, 1024), nn.ReLU(), nn.Linear(1024, 1, bias=False))
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    xs = [torch.tensor([[-1 + 2.0 * i / 255]]) for i in range(256)]
    ys = [torch.cos(2 * x + 20 * x * x) for x in xs]
    state = {"i": 0}

    def step():
        i = state["i"]
        state["i"] = (i + 1) % 256
        opt.zero_grad(set_to_none=True)
        loss = (model(xs[i]) - ys[i]).pow(2).sum()
        loss.backward()
        opt.step()
        return loss.item()

    return step


WORKLOADS = {
    **{f"matmul:{n}": (lambda n=n: matmul(n)) for n in (64, 128, 256, 512, 1024)},
    **{f"elementwise:{k}": (lambda k=k: elementwise(k)) for k in ("add", "relu", "sum", "add_out", "relu_out")},
    "mlp:2-16-16-1:100": lambda: mlp("2-16-16-1", 100),
    "mlp:784-256-10:64": lambda: mlp("784-256-10", 64),
    "mlp:784-512-512-10:128": lambda: mlp("784-512-512-10", 128),
    "wide_sgd": wide_sgd,
}


def blas_info():
    try:
        import threadpoolctl
        return [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                for d in threadpoolctl.threadpool_info()]
    except Exception as e:  # threadpoolctl is optional: say why it is missing
        return [{"error": repr(e)}]


def blas_check():
    """Max |error| of torch.mm against a plain sum on awkward sizes: some OpenBLAS builds pick a
    wrong kernel on CPUs newer than themselves, so the comparison first checks the answers."""
    g = torch.Generator().manual_seed(3)
    worst = 0.0
    for m, k, n in ((67, 65, 63), (1, 300, 17), (130, 9, 257)):
        a = torch.randn(m, k, generator=g)
        b = torch.randn(k, n, generator=g)
        ref = (a[:, :, None] * b[None, :, :]).sum(1)
        worst = max(worst, (torch.mm(a, b) - ref).abs().max().item())
    return worst


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default="", help="comma-separated workload names")
    p.add_argument("--cpu-time", action="store_true", help="median process CPU time per call")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_default_dtype(torch.float64)
    names = [n for n in args.only.split(",") if n] or list(WORKLOADS)
    results = {}
    for name in names:
        fn = WORKLOADS[name]()
        results[name] = (timed_cpu if args.cpu_time else timed)(fn, args.quick)
        print(f"  torch {name:28s} {results[name]:12.2f} us", file=sys.stderr)
    meta = {"torch": torch.__version__, "threads": torch.get_num_threads(),
            "timing": "process CPU time per call" if args.cpu_time else "wall time, mean",
            "blas": blas_info(), "blas_max_error": blas_check(), "python": sys.version.split()[0]}
    print(json.dumps({"meta": meta, "results": results}))


if __name__ == "__main__":
    main()
