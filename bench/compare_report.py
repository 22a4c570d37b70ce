#!/usr/bin/python3
"""Merges JMH's JSON, torch_bench.py's JSON and NodeFootprint's JSON into the comparison table
(`workload  chainrule  torch  ratio`, ratio > 1 meaning chainrule is faster) and
bench/results/latest.json. Called by bench/compare; reads the paths it is given."""
import argparse
import json
import sys


def jmh_results(path, best=False):
    """{(benchmark short name, params tuple): microseconds per op}: the mean over measured
    iterations, or with `best` the fastest iteration (for the peak probe, an upper bound)."""
    out = {}
    for r in json.load(open(path)):
        name = r["benchmark"].split("Benchmarks.")[-1]
        params = r.get("params", {})
        score = r["primaryMetric"]["score"]
        if best:
            raw = [x for fork in r["primaryMetric"].get("rawData", []) for x in fork]
            score = min(raw) if raw else score
        unit = r["primaryMetric"]["scoreUnit"]
        assert unit == "us/op", unit
        out[(name, tuple(sorted(params.items())))] = score
    return out


def find(jmh, name, **params):
    for (n, p), score in jmh.items():
        d = dict(p)
        if n == name and all(d.get(k) == str(v) for k, v in params.items()):
            return score
    return None


def markdown(result):
    """The table of a results JSON as Markdown, for bench/RESULTS.md."""
    m = result["meta"]
    lines = [f"{m['java_vm']} ({m['java_version']}), {m['kernels']} kernels with {m['vector_lanes']} "
             f"double lanes{', GEMM tile ' + m['gemm_tile'] if m.get('gemm_tile') else ''}; {m['date']}"
             f"{', quick mode' if m.get('quick') else ''}"
             f"{'; timing: ' + m['timing'] if m.get('timing') else ''}"
             f"{'; load average ' + m['load_before'] + ' before, ' + m['load_after'] + ' after' if m.get('load_before') else ''}",
             "",
             "| workload | chainrule | torch | ratio | unit |", "|---|---:|---:|---:|---|"]
    for r in result["rows"]:
        def v(x):
            return "-" if x is None else (f"{x:.1f}" if x < 1e5 else f"{x:.0f}")
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(f"| {r['workload']} | {v(r['chainrule'])} | {v(r['torch'])} | {ratio} | {r['unit']} |")
    ys = result.get("yardsticks") or []
    if ys:
        lines += ["", "| workload | chainrule | plain Java | chainrule ÷ plain |", "|---|---:|---:|---:|"]
        for y in ys:
            def us(x):
                return "-" if x is None else f"{x:.1f} µs"
            ratio = "-" if y["ratio"] is None else f"{y['ratio']:.0f}×"
            lines.append(f"| {y['workload']} | {us(y['chainrule_us'])} | {us(y['plain_us'])} | {ratio} |")
    sc = result.get("scaling_2_threads") or {}
    if sc.get("chainrule"):
        lines.append("")
        lines.append(f"Two threads on MLP 784-512-512-10: chainrule {sc['chainrule']:.2f}x"
                     + (f", torch {sc['torch']:.2f}x" if sc.get("torch") else "") + ".")
    f = result.get("scalar_node")
    if f:
        lines.append("")
        lines.append(f"Scalar node: {f['retained_bytes_per_node']:.0f} B retained "
                     f"({f['retained_bytes_per_node_with_grads']:.0f} B once it holds its gradient); "
                     f"{f['allocated_bytes_per_node_build']:.0f} B allocated to build it, "
                     f"{f['allocated_bytes_per_node_backward']:.0f} B during backward.")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--markdown", help="print a results JSON written earlier as a Markdown table")
    ap.add_argument("--jmh", nargs="+")
    ap.add_argument("--torch1")
    ap.add_argument("--torch2")
    ap.add_argument("--footprint")
    ap.add_argument("--meta", help="JSON with machine and JDK facts")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.markdown:
        print(markdown(json.load(open(a.markdown))))
        return 0
    if not (a.jmh and a.torch1 and a.meta and a.out):
        ap.error("--jmh, --torch1, --meta and --out are needed to build a table")

    jmh = {}
    jmh_best = {}
    for path in a.jmh:
        jmh.update(jmh_results(path))
        jmh_best.update(jmh_results(path, best=True))
    t1 = json.load(open(a.torch1))
    t2 = json.load(open(a.torch2)) if a.torch2 else {"results": {}, "meta": {}}
    foot = json.load(open(a.footprint)) if a.footprint else None
    meta = json.load(open(a.meta))

    rows = []

    def row(workload, unit, ours_us, torch_us, work=None, note=""):
        """Times in µs; with `work` (FLOP or bytes per op) shown as a rate in `unit`."""
        def show(us):
            if us is None:
                return None
            return work / (us * 1e-6) / 1e9 if work else us
        ratio = torch_us / ours_us if ours_us and torch_us else None
        rows.append({"workload": workload, "unit": unit, "chainrule": show(ours_us),
                     "torch": show(torch_us), "ratio": ratio,
                     "chainrule_us": ours_us, "torch_us": torch_us, "note": note})

    tr1, tr2 = t1["results"], t2["results"]
    for n in (64, 128, 256, 512, 1024):
        row(f"matmul n={n}", "GFLOPS", find(jmh, "Matmul.matmul", n=n, threads=1),
            tr1.get(f"matmul:{n}"), work=2.0 * n ** 3)
    row("matmul n=1024, 2 threads", "GFLOPS", find(jmh, "Matmul.matmul", n=1024, threads=2),
        tr2.get("matmul:1024"), work=2.0 * 1024 ** 3)
    # The peak: the fastest iteration of the fastest probe, as a rate (the probes differ in FLOP).
    lanes = meta.get("vector_lanes", 8)
    probes = [(2.0 * chains * lanes * 1000 / (us * 1e-6) / 1e9, chains, us)
              for chains in (8, 12, 14) for us in [find(jmh_best, f"Peak.fma{chains}")] if us]
    if probes:
        rate, chains, us = max(probes)
        row(f"FMA peak, 1 core (best of {len(probes)} probes: {chains} chains)", "GFLOPS", us, None,
            work=2.0 * chains * lanes * 1000)
    size = 1 << 20
    for kind, bytes_moved in (("add", 24), ("relu", 16), ("sum", 8)):
        row(f"{kind} 1M doubles", "GB/s", find(jmh, f"Elementwise.{kind}", size=size),
            tr1.get(f"elementwise:{kind}"), work=bytes_moved * size)
    # Diagnostics for the two rows above: the kernels into a reused output (torch's allocator hands
    # a + b the same block every call), and a fresh zeroed array on its own (bytes written).
    for kind, bytes_moved in (("add", 24), ("relu", 16)):
        row(f"{kind} 1M, kernel only (output reused)", "GB/s",
            find(jmh, f"Elementwise.{kind}Kernel", size=size), tr1.get(f"elementwise:{kind}"),
            work=bytes_moved * size)
    # The out= forms against torch's: both write a reused output through the op's checks.
    for kind, bytes_moved in (("add", 24), ("relu", 16)):
        row(f"{kind} 1M, out= form (output reused)", "GB/s",
            find(jmh, f"Elementwise.{kind}Into", size=size), tr1.get(f"elementwise:{kind}_out"),
            work=bytes_moved * size)
    row("new double[1M] alone (zeroing)", "GB/s", find(jmh, "Elementwise.allocate", size=size), None,
        work=8 * size)
    for cfg, label in (("2-16-16-1:100", "MLP 2-16-16-1 b100 step"),
                       ("784-256-10:64", "MLP 784-256-10 b64 step"),
                       ("784-512-512-10:128", "MLP 784-512-512-10 b128 step")):
        row(label, "us", find(jmh, "Mlp.trainStep", config=cfg, threads=1), tr1.get(f"mlp:{cfg}"))
    big1 = find(jmh, "Mlp.trainStep", config="784-512-512-10:128", threads=1)
    big2 = find(jmh, "Mlp.trainStep", config="784-512-512-10:128", threads=2)
    row("MLP 784-512-512-10 b128, 2 threads", "us", big2, tr2.get("mlp:784-512-512-10:128"))
    row("1->1024->1 SGD step, batch 1", "us", find(jmh, "WideSgd.step"), tr1.get("wide_sgd"))
    row("micrograd demo, scalar graph step", "us", find(jmh, "Micrograd.step"), None)
    row("100k scalar nodes build+backward", "us", find(jmh, "ScalarGraph.build100kAndBackward"), None)

    yardsticks = []
    for label, graph, plain in (
            ("micrograd demo step: scalar graph vs hand-written adjoint",
             find(jmh, "Micrograd.step"), find(jmh, "MicrogradAdjoint.step")),
            ("100k-node scalar chain, build + backward: graph vs plain loop",
             find(jmh, "ScalarGraph.build100kAndBackward"), find(jmh, "ScalarGraph.plainLoop100k"))):
        yardsticks.append({"workload": label, "chainrule_us": graph, "plain_us": plain,
                           "ratio": graph / plain if graph and plain else None})

    # In --cpu-time mode the 1-thread rows are CPU time and the 2-thread rows wall time: their
    # ratio would mean nothing, so no scaling figure then.
    same_clock = "CPU" not in meta.get("timing", "")
    scaling = {
        "chainrule": big1 / big2 if big1 and big2 and same_clock else None,
        "torch": (tr1.get("mlp:784-512-512-10:128") / tr2["mlp:784-512-512-10:128"])
        if tr2.get("mlp:784-512-512-10:128") and tr1.get("mlp:784-512-512-10:128") and same_clock
        else None,
    }

    def fmt(v, unit):
        if v is None:
            return "-"
        return f"{v:.1f}" if unit != "us" or v < 1e5 else f"{v:.0f}"

    print(f"{'workload':38s} {'chainrule':>12s} {'torch':>12s} {'ratio':>7s}  unit")
    for r in rows:
        ratio = f"{r['ratio']:.2f}" if r["ratio"] else "-"
        print(f"{r['workload']:38s} {fmt(r['chainrule'], r['unit']):>12s} "
              f"{fmt(r['torch'], r['unit']):>12s} {ratio:>7s}  {r['unit']}")
    if scaling["chainrule"]:
        print(f"2-thread scaling, MLP 784-512-512-10: chainrule {scaling['chainrule']:.2f}x"
              + (f", torch {scaling['torch']:.2f}x" if scaling["torch"] else ""))
    for y in yardsticks:
        ratio = f"{y['ratio']:.0f}x" if y["ratio"] else "-"
        print(f"{y['workload']:62s} {fmt(y['chainrule_us'], 'us'):>10s} us {fmt(y['plain_us'], 'us'):>10s} us  {ratio}")
    if foot:
        print(f"scalar node: {foot['retained_bytes_per_node']:.0f} B retained, "
              f"{foot['retained_bytes_per_node_with_grads']:.0f} B with its gradient; allocates "
              f"{foot['allocated_bytes_per_node_build']:.0f} B to build, "
              f"{foot['allocated_bytes_per_node_backward']:.0f} B in backward")

    result = {"meta": meta, "torch_meta": {"1": t1.get("meta"), "2": t2.get("meta")},
              "rows": rows, "yardsticks": yardsticks, "scaling_2_threads": scaling,
              "scalar_node": foot}
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
