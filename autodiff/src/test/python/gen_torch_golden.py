#!/usr/bin/python3
"""Golden cases for chainrule's autodiff ops, computed with real PyTorch in float64.

Writes autodiff/src/test/resources/golden/torch_golden.json, which TorchGoldenTest replays through
chainrule and compares within 1e-10 relative. The fixture is committed so the Java build needs no
Python; rerun this after adding or changing a case:

    apt-get install -y python3-torch            # Debian's PyTorch (1.13 on bookworm)
    /usr/bin/python3 autodiff/src/test/python/gen_torch_golden.py

Each case is a tiny program over chainrule's op vocabulary, interpreted here with torch and in
Java with chainrule:

    {"name": ..., "op": the op under test (for reports),
     "inputs": [{"s": shape, "v": values}, ...],     all float64 leaves that require a gradient,
     "const": [indices of inputs that do not require a gradient (targets)],
     "graph": [[op, [refs], {args}], ...],            refs index inputs first, then earlier nodes;
                                                      the last node is the output y,
     "seed": dL/dy, random so that gradients are not trivial sums,
     "out": y, "grads": [dL/dx per input, null for constants],
     "order2": {"v": [direction per input], "grads": [d<dL/dx, v>/dx per input]}   (optional)}

Functional cases ({"functional": {"kind": "jacobian" | "hessian" | "hvp", "v": ...}}) hold
torch.autograd.functional's result in "out", for x = inputs[0] with the other inputs as constants.

Second-order cases follow torch.autograd.grad(create_graph=True): first the gradients g of
<y, seed>, then the gradient of sum_i <g_i, v_i> with respect to every input.

Inputs avoid kinks (relu, abs and max at exactly 0 or ties) except in the "kink:" cases, which pin
PyTorch's conventions that chainrule documents as its own.
"""
import json
import os
import sys

import torch

torch.set_default_dtype(torch.float64)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "torch_golden.json")
GEN = torch.Generator().manual_seed(20261125)


# ------------------------------------------------------------------ random inputs

def randn(*shape, scale=1.0):
    return torch.randn(shape, generator=GEN) * scale


def uniform(lo, hi, *shape):
    return lo + (hi - lo) * torch.rand(shape, generator=GEN)


def away_from_zero(*shape, lo=0.3, hi=2.0):
    """Values with |x| in [lo, hi] and random sign: no kinks, safe divisors."""
    mag = uniform(lo, hi, *shape)
    sign = torch.where(torch.rand(shape, generator=GEN) < 0.5, -1.0, 1.0)
    return mag * sign


def positive(*shape, lo=0.2, hi=3.0):
    return uniform(lo, hi, *shape)


# ------------------------------------------------------------------ the op vocabulary, in torch

UNARY = {
    "neg": torch.neg, "square": torch.square, "sqrt": torch.sqrt, "exp": torch.exp, "log": torch.log,
    "abs": torch.abs, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "sin": torch.sin,
    "cos": torch.cos, "softplus": torch.nn.functional.softplus,
}
BINARY = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
    "maximum": torch.maximum, "minimum": torch.minimum,
}


def sum_to(x, shape):
    """chainrule's sumTo: sum over the axes along which shape was broadcast to x's shape."""
    lead = x.dim() - len(shape)
    if lead:
        x = x.sum(dim=tuple(range(lead)))
    for d, n in enumerate(shape):
        if n == 1 and x.shape[d] != 1:
            x = x.sum(dim=d, keepdim=True)
    return x


def apply(op, xs, a):
    if op in UNARY:
        return UNARY[op](xs[0])
    if op in BINARY:
        other = torch.tensor(a["c"]) if "c" in a else xs[1]
        return BINARY[op](xs[0], other)
    if op == "pow":
        return torch.pow(xs[0], a["p"])
    if op == "leakyRelu":
        return torch.nn.functional.leaky_relu(xs[0], a["alpha"])
    if op == "clamp":
        return torch.clamp(xs[0], a["lo"], a["hi"])
    if op == "matmul":
        return torch.matmul(xs[0], xs[1])
    if op == "transpose":
        if "axes" in a:
            return xs[0].transpose(*a["axes"])
        return xs[0] if xs[0].dim() < 2 else xs[0].transpose(-2, -1)
    if op == "reshape":
        return xs[0].reshape(a["shape"])
    if op == "expand":
        return xs[0].expand(a["shape"])
    if op == "sumTo":
        return sum_to(xs[0], a["shape"])
    if op == "concat":
        return torch.cat(xs, dim=a["axis"])
    if op == "slice":
        return xs[0].narrow(a["axis"], a["start"], a["end"] - a["start"])
    if op == "index":
        return torch.index_select(xs[0], a["axis"], torch.tensor(a["idx"], dtype=torch.long))
    if op == "gather":
        x, axis = xs[0], a["axis"] % xs[0].dim()
        out_shape = list(x.shape[:axis]) + list(x.shape[axis + 1:])
        idx = torch.tensor(a["idx"], dtype=torch.long).reshape(out_shape).unsqueeze(axis)
        return torch.gather(x, axis, idx).squeeze(axis)
    if op in ("sum", "mean"):
        f = torch.sum if op == "sum" else torch.mean
        return f(xs[0]) if "axis" not in a else f(xs[0], dim=a["axis"], keepdim=a.get("keep", False))
    if op == "max":
        return torch.max(xs[0], dim=a["axis"], keepdim=a.get("keep", False)).values
    if op == "softmax":
        return torch.softmax(xs[0], dim=a["axis"])
    if op == "logSoftmax":
        return torch.log_softmax(xs[0], dim=a["axis"])
    raise ValueError("no op " + op)


def run_graph(inputs, graph):
    env = list(inputs)
    for op, refs, a in graph:
        env.append(apply(op, [env[r] for r in refs], a))
    return env[-1]


# ------------------------------------------------------------------ cases

CASES = []


def short(t):
    """t rounded to 7 significant digits: the fixture stays compact, and since the rounded values
    are what torch computes with, nothing is lost (only outputs and gradients need all 17)."""
    return torch.tensor([float("%.7g" % v) for v in t.reshape(-1).tolist()]).reshape(t.shape)


def tj(t):
    t = t.detach()
    if t._is_zerotensor():  # torch's lazily-allocated zeros (e.g. the second derivative of abs)
        t = torch.zeros(t.shape)
    return {"s": list(t.shape), "v": [float(v) for v in t.detach().reshape(-1).tolist()]}


def add_case(name, op, inputs, graph, const=(), order2=False):
    """Runs the graph in torch and records values, first and (optionally) second-order gradients."""
    assert all(c["name"] != name for c in CASES), "duplicate case " + name
    inputs = [short(x) for x in inputs]
    leaves = [x.detach().clone().requires_grad_(i not in const) for i, x in enumerate(inputs)]
    wrt = [x for i, x in enumerate(leaves) if i not in const]
    y = run_graph(leaves, graph)
    seed = short(randn(*y.shape))
    case = {"name": name, "op": op, "inputs": [tj(x) for x in inputs], "graph": [list(n) for n in graph],
            "seed": tj(seed), "out": tj(y)}
    if const:
        case["const"] = sorted(const)
    grads = torch.autograd.grad(y, wrt, seed, create_graph=order2, allow_unused=True)
    grads = [torch.zeros_like(x) if g is None else g for x, g in zip(wrt, grads)]
    it = iter(grads)
    case["grads"] = [None if i in const else tj(next(it)) for i in range(len(inputs))]
    if order2:
        vs = [short(randn(*x.shape)) for x in wrt]
        terms = [(g * v).sum() for g, v in zip(grads, vs) if g.requires_grad]
        if terms:
            z = sum(terms)
            hs = torch.autograd.grad(z, wrt, allow_unused=True)
            hs = [torch.zeros_like(x) if h is None else h for x, h in zip(wrt, hs)]
        else:  # the gradient does not depend on the inputs: every second derivative is zero
            hs = [torch.zeros_like(x) for x in wrt]
        iv, ih = iter(vs), iter(hs)
        case["order2"] = {"v": [None if i in const else tj(next(iv)) for i in range(len(inputs))],
                          "grads": [None if i in const else tj(next(ih)) for i in range(len(inputs))]}
    for t in [y] + grads:
        assert torch.isfinite(t).all(), name + ": torch itself is not finite here; pick other inputs"
    CASES.append(case)


def single(name, op, inputs, args=None, order2=False, const=()):
    add_case(name, op, inputs, [[op, list(range(len(inputs))), args or {}]], const=const, order2=order2)


def fmt(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


# ---- elementwise functions of one tensor

def unary_domain(op, *shape):
    if op in ("sqrt", "log"):
        return positive(*shape)
    if op in ("abs", "relu"):
        return away_from_zero(*shape)
    return randn(*shape, scale=1.5)


def unary_cases():
    for op in UNARY:
        for shape in [(7,), (2, 3), (2, 3, 2), (67,), ()]:
            single("%s %s" % (op, fmt(shape)), op, [unary_domain(op, *shape)])
    for p in [2.0, 3.0, 1.0, 0.5, -1.0, 0.0, 1.7, -2.5, 4.0]:
        single("pow(%g) [2,4]" % p, "pow", [positive(2, 4)], {"p": p})
    # Integer powers are defined for negative bases too.
    for p in [2.0, 3.0, -1.0, 4.0]:
        single("pow(%g) negative base [5]" % p, "pow", [away_from_zero(5)], {"p": p})
    for alpha in [0.01, 0.2, 1.5]:
        single("leakyRelu(%g) [3,4]" % alpha, "leakyRelu", [away_from_zero(3, 4)], {"alpha": alpha})
    for lo, hi in [(-0.5, 0.5), (-1.0, 2.0), (0.1, 0.1 + 1e-3)]:
        x = randn(3, 5)
        # keep values off the bounds themselves
        x = torch.where((x - lo).abs() < 1e-3, x + 0.01, x)
        x = torch.where((x - hi).abs() < 1e-3, x - 0.01, x)
        single("clamp(%g,%g) [3,5]" % (lo, hi), "clamp", [x], {"lo": lo, "hi": hi})


# ---- broadcasting binary ops

PATTERNS = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 3), (2, 1)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)),
            ((4,), (2, 3, 4)), ((), (2, 3)), ((2, 1, 4), (3, 1)), ((5, 13), (5, 13)), ((1,), (3, 2)),
            # long rows, so vector kernels run their main loops and tails under broadcasting
            ((3, 37), (37,)), ((37, 3), (37, 1)), ((67,), ()), ((), (67,)),
            # scalars on both sides take chainrule's scalar fast path
            ((), ())]


def binary_inputs(op, sa, sb):
    a = randn(*sa, scale=1.3)
    b = away_from_zero(*sb) if op == "div" else randn(*sb, scale=1.3)
    return a, b


def binary_cases():
    for op in BINARY:
        for sa, sb in PATTERNS:
            a, b = binary_inputs(op, sa, sb)
            single("%s %s %s" % (op, fmt(sa), fmt(sb)), op, [a, b])
        c = 0.7 if op != "sub" else -1.25
        single("%s [3,4] scalar %g" % (op, c), op, [randn(3, 4)], {"c": c})


# ---- reductions over each axis

def reduction_cases():
    for op in ("sum", "mean", "max"):
        for shape in [(3, 4), (2, 3, 4)]:
            for axis in list(range(len(shape))) + [-1]:
                for keep in (False, True):
                    single("%s %s axis=%d keep=%s" % (op, fmt(shape), axis, keep), op, [randn(*shape)],
                           {"axis": axis, "keep": keep})
        single("%s [5] axis=0" % op, op, [randn(5)], {"axis": 0})
        single("%s [7,37] axis=0" % op, op, [randn(7, 37)], {"axis": 0})
        single("%s [7,37] axis=1" % op, op, [randn(7, 37)], {"axis": 1})
    for op in ("sum", "mean"):
        for shape in [(5,), (3, 4), (2, 3, 4), (), (131,)]:
            single("%s all %s" % (op, fmt(shape)), op, [randn(*shape)])
    for op in ("softmax", "logSoftmax"):
        for shape in [(6,), (3, 4), (2, 3, 4)]:
            for axis in list(range(len(shape))) + [-1]:
                single("%s %s axis=%d" % (op, fmt(shape), axis), op, [randn(*shape, scale=2.0)], {"axis": axis})


# ---- matrix products

def mm(name, a, b, ta=False, tb=False, order2=False):
    graph, refs = [], [0, 1]
    if ta:
        graph.append(["transpose", [0], {}])
        refs[0] = 2
    if tb:
        graph.append(["transpose", [1], {}])
        refs[1] = 2 + len(graph) - 1
    graph.append(["matmul", refs, {}])
    add_case(name, "matmul", [a, b], graph, order2=order2)


def matmul_cases():
    m, k, n = 3, 4, 5
    mm("matmul NN [3,4][4,5]", randn(m, k), randn(k, n))
    mm("matmul NT [3,4][5,4]T", randn(m, k), randn(n, k), tb=True)
    mm("matmul TN [4,3]T[4,5]", randn(k, m), randn(k, n), ta=True)
    mm("matmul TT [4,3]T[5,4]T", randn(k, m), randn(n, k), ta=True, tb=True)
    mm("matmul NN large [9,17][17,11]", randn(9, 17), randn(17, 11))
    mm("matmul NT large [9,17][11,17]T", randn(9, 17), randn(11, 17), tb=True)
    mm("matmul TN large [17,9]T[17,11]", randn(17, 9), randn(17, 11), ta=True)
    mm("matmul TT large [17,9]T[11,17]T", randn(17, 9), randn(11, 17), ta=True, tb=True)
    mm("matmul thin [1,6][6,1]", randn(1, 6), randn(6, 1))
    mm("matmul outer [6,1][1,5]", randn(6, 1), randn(1, 5))
    mm("matmul batched [2,3,4][2,4,5]", randn(2, m, k), randn(2, k, n))
    mm("matmul batched NT [2,3,4][2,5,4]T", randn(2, m, k), randn(2, n, k), tb=True)
    mm("matmul batched TN [2,4,3]T[2,4,5]", randn(2, k, m), randn(2, k, n), ta=True)
    mm("matmul batched TT [2,4,3]T[2,5,4]T", randn(2, k, m), randn(2, n, k), ta=True, tb=True)
    mm("matmul batched x shared [2,3,4][4,5]", randn(2, m, k), randn(k, n))
    mm("matmul shared x batched [3,4][2,4,5]", randn(m, k), randn(2, k, n))
    mm("matmul batched x shared T [2,3,4][5,4]T", randn(2, m, k), randn(n, k), tb=True)
    mm("matmul vector dot [6][6]", randn(6), randn(6))
    mm("matmul matrix-vector [3,4][4]", randn(m, k), randn(k))
    mm("matmul vector-matrix [4][4,5]", randn(k), randn(k, n))
    mm("matmul batched-vector [2,3,4][4]", randn(2, m, k), randn(k))
    mm("matmul vector-batched [4][2,4,5]", randn(k), randn(2, k, n))
    mm("matmul transposed matrix-vector [4,3]T[4]", randn(k, m), randn(k), ta=True)
    # Sizes that reach the kernels' other paths: k beyond one packed panel (256), m beyond one row
    # block (96), and the unpacked path for a short side (k <= 4) with rows wider than a vector.
    mm("matmul deep k [2,260][260,3]", randn(2, 260), randn(260, 3))
    mm("matmul deep k TN [260,2]T[260,5]", randn(260, 2), randn(260, 5), ta=True)
    mm("matmul tall m [98,5][5,2]", randn(98, 5), randn(5, 2))
    mm("matmul short side [7,3][3,19]", randn(7, 3), randn(3, 19))
    mm("matmul short side TN [3,7]T[3,19]", randn(3, 7), randn(3, 19), ta=True)
    mm("matmul two rows [2,6][6,19]", randn(2, 6), randn(6, 19))


# ---- shapes, joins and selections

def shaping_cases():
    single("transpose [3,4]", "transpose", [randn(3, 4)])
    single("transpose last two [2,3,4]", "transpose", [randn(2, 3, 4)])
    single("transpose(0,2) [2,3,4]", "transpose", [randn(2, 3, 4)], {"axes": [0, 2]})
    single("transpose(0,1) [2,3,4]", "transpose", [randn(2, 3, 4)], {"axes": [0, 1]})
    single("transpose vector [5]", "transpose", [randn(5)])
    for src, dst in [((2, 3, 4), (6, 4)), ((2, 3, 4), (4, -1)), ((12,), (3, 2, 2)), ((3, 4), (-1,)),
                     ((1,), ()), ((2, 3), (3, 1, 2))]:
        single("reshape %s->%s" % (fmt(src), fmt(dst)), "reshape", [randn(*src)], {"shape": list(dst)})
    for src, dst in [((3, 1), (3, 4)), ((4,), (2, 3, 4)), ((1,), (5,)), ((), (2, 2)), ((1, 3, 1), (2, 3, 4)),
                     ((2, 1, 4), (2, 3, 4))]:
        single("expand %s->%s" % (fmt(src), fmt(dst)), "expand", [randn(*src)], {"shape": list(dst)})
    for src, dst in [((2, 3, 4), (3, 1)), ((2, 3, 4), (4,)), ((2, 3, 4), ()), ((2, 3, 4), (2, 1, 4)),
                     ((3, 4), (1, 4)), ((3, 4), (3, 1)), ((5,), (1,))]:
        single("sumTo %s->%s" % (fmt(src), fmt(dst)), "sumTo", [randn(*src)], {"shape": list(dst)})
    single("concat axis=0 [2,3][1,3][3,3]", "concat", [randn(2, 3), randn(1, 3), randn(3, 3)], {"axis": 0})
    single("concat axis=1 [2,3][2,1]", "concat", [randn(2, 3), randn(2, 1)], {"axis": 1})
    single("concat axis=-1 [2,3,2][2,3,1]", "concat", [randn(2, 3, 2), randn(2, 3, 1)], {"axis": -1})
    single("concat axis=1 [2,1,4][2,2,4]", "concat", [randn(2, 1, 4), randn(2, 2, 4)], {"axis": 1})
    single("concat vectors [3][4]", "concat", [randn(3), randn(4)], {"axis": 0})
    for shape in [(5, 4), (4, 5, 3)]:
        for axis in range(len(shape)):
            single("slice %s axis=%d 1:3" % (fmt(shape), axis), "slice", [randn(*shape)],
                   {"axis": axis, "start": 1, "end": 3})
    single("slice [6] 0:6", "slice", [randn(6)], {"axis": 0, "start": 0, "end": 6})
    single("slice [6] 5:6", "slice", [randn(6)], {"axis": 0, "start": 5, "end": 6})
    single("index [4,3] axis=0 repeats", "index", [randn(4, 3)], {"axis": 0, "idx": [2, 0, 2, 3]})
    single("index [4,3] axis=1", "index", [randn(4, 3)], {"axis": 1, "idx": [1]})
    single("index [2,4,3] axis=1 repeats", "index", [randn(2, 4, 3)], {"axis": 1, "idx": [3, 3, 0]})
    single("index [2,4,3] axis=2", "index", [randn(2, 4, 3)], {"axis": 2, "idx": [2, 1, 0, 1]})
    single("index [5] axis=0", "index", [randn(5)], {"axis": 0, "idx": [4, 0]})
    single("gather [4,3] axis=1", "gather", [randn(4, 3)], {"axis": 1, "idx": [0, 2, 1, 2]})
    single("gather [4,3] axis=0", "gather", [randn(4, 3)], {"axis": 0, "idx": [3, 0, 3]})
    single("gather [2,4,3] axis=1", "gather", [randn(2, 4, 3)], {"axis": 1, "idx": [0, 3, 1, 2, 2, 0]})
    single("gather [2,4,3] axis=0", "gather", [randn(2, 4, 3)], {"axis": 0, "idx": [1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1]})
    single("gather [2,4,3] axis=2", "gather", [randn(2, 4, 3)], {"axis": 2, "idx": [2, 0, 1, 1, 0, 0, 2, 2]})
    single("gather [5] axis=0", "gather", [randn(5)], {"axis": 0, "idx": [3]})


# ---- empty tensors: shapes with a zero dimension

def degenerate_cases():
    """Axes of size 1 and negative axes: where an off-by-one in an [outer, len, inner] view shows."""
    single("softmax size-1 axis [3,1] axis=1", "softmax", [randn(3, 1)], {"axis": 1})
    single("logSoftmax size-1 axis [3,1] axis=1", "logSoftmax", [randn(3, 1)], {"axis": 1})
    single("logSoftmax [1]", "logSoftmax", [randn(1)], {"axis": 0})
    single("max size-1 axis [3,1,2] axis=1", "max", [randn(3, 1, 2)], {"axis": 1, "keep": True})
    single("sum size-1 axis [1,4] axis=0", "sum", [randn(1, 4)], {"axis": 0})
    single("matmul [1][1]", "matmul", [randn(1), randn(1)])
    single("matmul [1,1][1,1]", "matmul", [randn(1, 1), randn(1, 1)])
    single("slice axis=-1 [3,5]", "slice", [randn(3, 5)], {"axis": -1, "start": 1, "end": 4})
    single("index axis=-1 [3,4]", "index", [randn(3, 4)], {"axis": -1, "idx": [3, 1]})
    single("gather axis=-1 [3,4]", "gather", [randn(3, 4)], {"axis": -1, "idx": [3, 1, 0]})
    single("gather axis=-2 [2,3,4]", "gather", [randn(2, 3, 4)], {"axis": -2, "idx": [0, 1, 2, 0, 2, 2, 1, 0]})
    single("softmax axis=-2 [2,3,4]", "softmax", [randn(2, 3, 4)], {"axis": -2})
    single("transpose(-1,0) [2,3,4]", "transpose", [randn(2, 3, 4)], {"axes": [-1, 0]})
    single("reshape [] -> [1,1]", "reshape", [randn()], {"shape": [1, 1]})
    single("expand [] -> [3]", "expand", [randn()], {"shape": [3]})
    single("sumTo [2,3] -> [1,1]", "sumTo", [randn(2, 3)], {"shape": [1, 1]})


def empty_cases():
    single("empty sum [0,3] axis=0", "sum", [randn(0, 3)], {"axis": 0})
    single("empty sum all [0,3]", "sum", [randn(0, 3)])
    single("empty matmul [2,0][0,3]", "matmul", [randn(2, 0), randn(0, 3)])
    single("empty matmul [0,4][4,3]", "matmul", [randn(0, 4), randn(4, 3)])
    single("empty concat part", "concat", [randn(2, 0), randn(2, 3)], {"axis": 1})
    single("empty slice 2:2", "slice", [randn(4, 3)], {"axis": 0, "start": 2, "end": 2})
    single("empty add [0,3]+[3]", "add", [randn(0, 3), randn(3)])
    single("empty add [0,3]+[1,3]", "add", [randn(0, 3), randn(1, 3)])
    single("empty mul [2,0]*[2,1]", "mul", [randn(2, 0), randn(2, 1)])
    single("empty exp [0]", "exp", [randn(0)])
    single("empty softmax [0,3] axis=1", "softmax", [randn(0, 3)], {"axis": 1})
    single("empty index none", "index", [randn(4, 3)], {"axis": 0, "idx": []})
    single("empty expand [1,3]->[0,3]", "expand", [randn(1, 3)], {"shape": [0, 3]})


# ---- compositions people write

def cross_entropy_graph(labels, mean=True):
    return [["logSoftmax", [0], {"axis": 1}], ["gather", [1], {"axis": 1, "idx": labels}], ["neg", [2], {}],
            ["mean" if mean else "sum", [3], {}]]


def composite_cases():
    labels = [0, 2, 1, 1, 3]
    add_case("crossEntropy mean [5,4]", "crossEntropy", [randn(5, 4, scale=2.0)], cross_entropy_graph(labels))
    add_case("crossEntropy sum [5,4]", "crossEntropy", [randn(5, 4, scale=2.0)], cross_entropy_graph(labels, False))
    # MLP: tanh(x W1 + b1) W2 + b2, then mse against a target
    x, w1, b1, w2, b2, t = randn(6, 3), randn(3, 5), randn(5), randn(5, 2), randn(2), randn(6, 2)
    add_case("mlp tanh + mse", "composite", [x, w1, b1, w2, b2, t],
             [["matmul", [0, 1], {}], ["add", [6, 2], {}], ["tanh", [7], {}], ["matmul", [8, 3], {}],
              ["add", [9, 4], {}], ["sub", [10, 5], {}], ["square", [11], {}], ["mean", [12], {}]],
             const=(5,))
    # logsumexp written by hand: max + log(sum(exp(x - max)))
    add_case("logsumexp by hand [3,5]", "composite", [randn(3, 5, scale=3.0)],
             [["max", [0], {"axis": 1, "keep": True}], ["sub", [0, 1], {}], ["exp", [2], {}],
              ["sum", [3], {"axis": 1, "keep": True}], ["log", [4], {}], ["add", [5, 1], {}]])
    # attention-like: softmax(q k^T / sqrt d) v
    q, kk, v = randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 2)
    add_case("attention softmax(qk^T/2)v", "composite", [q, kk, v],
             [["transpose", [1], {}], ["matmul", [0, 3], {}], ["mul", [4], {"c": 0.5}], ["softmax", [5], {"axis": -1}],
              ["matmul", [6, 2], {}]])
    # a node used several times: x * sigmoid(x) (swish), and x / (1 + |x|)
    add_case("swish x*sigmoid(x)", "composite", [randn(3, 4)], [["sigmoid", [0], {}], ["mul", [0, 1], {}]])
    add_case("softsign x/(1+|x|)", "composite", [away_from_zero(3, 4)],
             [["abs", [0], {}], ["add", [1], {"c": 1.0}], ["div", [0, 2], {}]])
    # normalisation: (x - mean) / sqrt(var + eps) along the last axis
    add_case("layer norm by hand [4,6]", "composite", [randn(4, 6, scale=2.0)],
             [["mean", [0], {"axis": 1, "keep": True}], ["sub", [0, 1], {}], ["square", [2], {}],
              ["mean", [3], {"axis": 1, "keep": True}], ["add", [4], {"c": 1e-5}], ["sqrt", [5], {}],
              ["div", [2, 6], {}]])
    # a gradient that meets itself through concat and slice
    add_case("concat then slice overlap", "composite", [randn(2, 3), randn(2, 2)],
             [["concat", [0, 1], {"axis": 1}], ["slice", [2], {"axis": 1, "start": 2, "end": 5}],
              ["mul", [3, 3], {}], ["sum", [4], {"axis": 0}]])


# ---- numerical hygiene: extreme inputs where the result must stay finite

def t(*v):
    return torch.tensor(v)


def extreme_cases():
    big = t(-1000.0, -700.0, -100.0, -30.0, -1.0, 0.5, 19.0, 30.0, 100.0, 700.0, 1000.0)
    single("extreme sigmoid ±1000", "sigmoid", [big])
    single("extreme tanh ±1000", "tanh", [big])
    # Above 20 PyTorch's softplus returns x itself (threshold=20), a deliberate approximation: its
    # gradient is then exactly 1 where the true one is sigmoid(x) = 1 - e^-x, more than 1e-10 off
    # between 20 and 23, so inputs there are left out. chainrule computes softplus exactly
    # (max(x, 0) + log1p(e^-|x|)); at 30 the two agree to 1e-13.
    single("extreme softplus ±1000", "softplus", [big])
    single("extreme exp", "exp", [t(-1000.0, -700.0, -30.0, 0.0, 30.0, 700.0)])
    single("extreme log tiny and huge", "log", [t(1e-300, 1e-200, 1e-20, 1.0, 1e20, 1e300)])
    single("extreme sqrt tiny and huge", "sqrt", [t(1e-300, 1e-200, 1e-20, 1.0, 1e20, 1e300)])
    single("extreme tiny through sigmoid", "sigmoid", [t(1e-300, -1e-300, 1e-20, -1e-150)])
    single("extreme tiny through tanh", "tanh", [t(1e-300, -1e-300, 1e-20, -1e-150)])
    single("extreme tiny through sin", "sin", [t(1e-300, -1e-300, 1e-20, -1e-150)])
    single("extreme tiny through softplus", "softplus", [t(1e-300, -1e-300, 1e-20, -1e-150)])
    single("extreme mul tiny", "mul", [t(1e-300, 3.0, -1e-150), t(2.0, 1e-300, 1e-150)])
    single("extreme div by tiny", "div", [t(1e-300, 2.0, -1e-160), t(1e-150, 1e-150, 1e-150)])
    single("extreme pow(-1) small", "pow", [t(1e-100, -1e-100, 3.0)], {"p": -1.0})
    for op in ("softmax", "logSoftmax"):
        rows = torch.tensor([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, 999.0], [-1000.0, -1000.0, -999.0],
                             [1e-300, -1e-300, 0.5], [700.0, -700.0, 1.0]])
        single("extreme %s ±1000 rows" % op, op, [rows], {"axis": 1})
        single("extreme %s ±1000 cols" % op, op, [rows.t().contiguous()], {"axis": 0})
    logits = torch.tensor([[1000.0, -1000.0, 0.0, 5.0], [-1000.0, 1000.0, 999.0, 0.0],
                           [1000.0, 1000.0, 1000.0, -1000.0], [0.1, 0.2, 0.3, 0.4], [-1000.0, -999.0, -1000.0, -998.0]])
    add_case("extreme crossEntropy ±1000 mean", "crossEntropy", [logits], cross_entropy_graph([0, 2, 3, 1, 1]))
    add_case("extreme crossEntropy ±1000 sum", "crossEntropy", [logits], cross_entropy_graph([1, 1, 0, 1, 3], False))
    # BCE with logits written as chainrule's loss writes it: softplus(x) - x*y
    x = t(1000.0, -1000.0, 1000.0, -1000.0, 35.0, -35.0, 0.3, -2.0)
    y = t(1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0)
    add_case("extreme bceWithLogits ±1000", "bceWithLogits", [x, y],
             [["softplus", [0], {}], ["mul", [0, 1], {}], ["sub", [2, 3], {}], ["mean", [4], {}]], const=(1,))
    # log(sigmoid(x)) as -softplus(-x): finite where the naive form gives log(0)
    add_case("extreme logSigmoid as -softplus(-x)", "composite", [big],
             [["neg", [0], {}], ["softplus", [1], {}], ["neg", [2], {}]])
    # exp of logSoftmax is softmax, even at ±1000
    add_case("extreme exp(logSoftmax)", "composite", [logits],
             [["logSoftmax", [0], {"axis": 1}], ["exp", [1], {}]])
    # log of softmax where no probability underflows
    add_case("extreme log(softmax) ±30", "composite", [torch.tensor([[30.0, -30.0, 0.0], [-30.0, -29.0, 30.0]])],
             [["softmax", [0], {"axis": 1}], ["log", [1], {}]])
    add_case("extreme log(exp(x)) ±700", "composite", [t(-700.0, -30.0, 0.25, 30.0, 700.0)],
             [["exp", [0], {}], ["log", [1], {}]])
    add_case("extreme exp(log(x)) tiny", "composite", [t(1e-300, 1e-100, 2.0, 1e100)],
             [["log", [0], {}], ["exp", [1], {}]])
    add_case("extreme logsumexp ±1000", "composite", [logits],
             [["max", [0], {"axis": 1, "keep": True}], ["sub", [0, 1], {}], ["exp", [2], {}],
              ["sum", [3], {"axis": 1, "keep": True}], ["log", [4], {}], ["add", [5, 1], {}]])
    add_case("extreme mse at 1000", "composite", [t(1000.0, -1000.0, 999.5), t(999.0, -1000.5, 1000.0)],
             [["sub", [0, 1], {}], ["square", [2], {}], ["mean", [3], {}]])


# ---- kinks where chainrule documents PyTorch's convention

def kink_cases():
    x = t(-1.5, 0.0, 0.0, 2.0, -0.0)
    single("kink: relu'(0) = 0", "relu", [x])
    single("kink: abs'(0) = 0", "abs", [x])
    single("kink: leakyRelu'(0) = alpha", "leakyRelu", [x], {"alpha": 0.1})
    single("kink: clamp passes the gradient at its bounds", "clamp", [t(-1.0, -0.5, 0.0, 0.5, 1.0)],
           {"lo": -0.5, "hi": 0.5})
    single("kink: maximum splits ties in half", "maximum", [t(1.0, 2.0, -3.0, 0.0), t(1.0, 1.0, -3.0, 5.0)])
    single("kink: minimum splits ties in half", "minimum", [t(1.0, 2.0, -3.0, 0.0), t(1.0, 1.0, -3.0, 5.0)])
    single("kink: maximum ties under broadcasting", "maximum", [torch.tensor([[1.0, 2.0], [2.0, 0.0]]), t(2.0, 0.0)])
    single("kink: max(axis) sends the gradient to the first maximum", "max",
           [torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [5.0, 4.0, 5.0]])], {"axis": 1})
    single("kink: max(axis=0) ties", "max", [torch.tensor([[1.0, 3.0, 3.0], [1.0, 2.0, 3.0]])], {"axis": 0})
    single("kink: relu at 0 inside a graph", "relu", [t(0.0, 1.0, -1.0)])


# ---- second order: grad of grad

def second_order_cases():
    for op in ("neg", "square", "sqrt", "exp", "log", "sigmoid", "tanh", "sin", "cos", "softplus", "abs", "relu"):
        single("order2 %s [2,3]" % op, op, [unary_domain(op, 2, 3)], order2=True)
    for p in (3.0, -1.5, 0.5, 2.0):
        single("order2 pow(%g) [4]" % p, "pow", [positive(4)], {"p": p}, order2=True)
    single("order2 leakyRelu [2,3]", "leakyRelu", [away_from_zero(2, 3)], {"alpha": 0.1}, order2=True)
    single("order2 clamp [2,3]", "clamp", [torch.tensor([[-2.0, -0.3, 0.2], [0.7, 1.9, -0.9]])],
           {"lo": -1.0, "hi": 1.0}, order2=True)
    for op in BINARY:
        for sa, sb in [((2, 3), (2, 3)), ((2, 3), (3,)), ((3, 1), (1, 4))]:
            a, b = binary_inputs(op, sa, sb)
            single("order2 %s %s %s" % (op, fmt(sa), fmt(sb)), op, [a, b], order2=True)
    mm("order2 matmul NN", randn(3, 4), randn(4, 2), order2=True)
    mm("order2 matmul TT", randn(4, 3), randn(2, 4), ta=True, tb=True, order2=True)
    mm("order2 matmul batched x shared", randn(2, 3, 4), randn(4, 2), order2=True)
    mm("order2 matmul matrix-vector", randn(3, 4), randn(4), order2=True)
    for op in ("softmax", "logSoftmax"):
        for axis in (0, 1):
            single("order2 %s [3,4] axis=%d" % (op, axis), op, [randn(3, 4)], {"axis": axis}, order2=True)
    for op in ("sum", "mean", "max"):
        single("order2 %s [3,4] axis=1" % op, op, [randn(3, 4)], {"axis": 1}, order2=True)
    single("order2 gather", "gather", [randn(4, 3)], {"axis": 1, "idx": [0, 2, 1, 2]}, order2=True)
    single("order2 concat", "concat", [randn(2, 3), randn(1, 3)], {"axis": 0}, order2=True)
    single("order2 expand", "expand", [randn(3, 1)], {"shape": [2, 3, 4]}, order2=True)
    single("order2 sumTo", "sumTo", [randn(2, 3, 4)], {"shape": [3, 1]}, order2=True)
    single("order2 slice", "slice", [randn(4, 3)], {"axis": 0, "start": 1, "end": 3}, order2=True)
    single("order2 index", "index", [randn(4, 3)], {"axis": 0, "idx": [2, 2, 0]}, order2=True)
    single("order2 transpose(0,2)", "transpose", [randn(2, 3, 4)], {"axes": [0, 2]}, order2=True)
    single("order2 reshape", "reshape", [randn(2, 6)], {"shape": [3, 4]}, order2=True)
    # A second derivative that flows through the gradient of every kind of shaping op at once.
    add_case("order2 shaping chain", "composite", [randn(2, 3, 4)],
             [["transpose", [0], {"axes": [0, 2]}], ["reshape", [1], {"shape": [4, 6]}], ["slice", [2], {"axis": 1, "start": 1, "end": 5}],
              ["index", [3], {"axis": 0, "idx": [3, 0, 0]}], ["exp", [4], {}], ["gather", [5], {"axis": 1, "idx": [0, 3, 2]}],
              ["square", [6], {}], ["expand", [7], {"shape": [2, 3]}], ["sumTo", [8], {"shape": [1, 3]}]], order2=True)
    add_case("order2 crossEntropy", "crossEntropy", [randn(5, 4)], cross_entropy_graph([0, 2, 1, 1, 3]), order2=True)
    add_case("order2 tanh(xW+b) squared", "composite", [randn(4, 3), randn(3, 2), randn(2)],
             [["matmul", [0, 1], {}], ["add", [3, 2], {}], ["tanh", [4], {}], ["square", [5], {}], ["sum", [6], {}]],
             order2=True)
    add_case("order2 x*sin(x)*exp(-x^2)", "composite", [randn(5)],
             [["sin", [0], {}], ["mul", [0, 1], {}], ["square", [0], {}], ["neg", [3], {}], ["exp", [4], {}],
              ["mul", [2, 5], {}]], order2=True)
    add_case("order2 layer norm by hand", "composite", [randn(3, 5)],
             [["mean", [0], {"axis": 1, "keep": True}], ["sub", [0, 1], {}], ["square", [2], {}],
              ["mean", [3], {"axis": 1, "keep": True}], ["add", [4], {"c": 1e-5}], ["sqrt", [5], {}],
              ["div", [2, 6], {}]], order2=True)
    # Not 30: above its threshold (20) torch's softplus is x itself, so its second derivative there is
    # exactly 0 where the true one (and chainrule's) is sigmoid'(30) = 9e-14; at 50 both are 0 to 2e-22.
    add_case("order2 extreme bceWithLogits", "bceWithLogits",
             [t(1000.0, -1000.0, 50.0, -2.0, 0.5), t(1.0, 0.0, 0.0, 1.0, 1.0)],
             [["softplus", [0], {}], ["mul", [0, 1], {}], ["sub", [2, 3], {}], ["mean", [4], {}]],
             const=(1,), order2=True)
    single("order2 extreme sigmoid", "sigmoid", [t(-1000.0, -30.0, 0.5, 30.0, 1000.0)], order2=True)
    single("order2 extreme logSoftmax", "logSoftmax", [torch.tensor([[1000.0, -1000.0, 0.0], [3.0, 2.0, 1.0]])],
           {"axis": 1}, order2=True)


# ---- functional derivatives: Autodiff.jacobian / hessian / hvp against torch.autograd.functional

def add_functional(name, kind, inputs, graph, v=None):
    """inputs[0] is x; the others are constants the function closes over."""
    assert all(c["name"] != name for c in CASES), "duplicate case " + name
    inputs = [short(x) for x in inputs]
    consts = inputs[1:]
    f = lambda x: run_graph([x] + consts, graph)
    F = torch.autograd.functional
    if kind == "jacobian":
        out = F.jacobian(f, inputs[0])
    elif kind == "hessian":
        out = F.hessian(f, inputs[0])
    else:
        v = short(v)
        out = F.hvp(f, inputs[0], v)[1]
    assert torch.isfinite(out).all(), name
    case = {"name": name, "op": kind, "inputs": [tj(x) for x in inputs], "graph": [list(n) for n in graph],
            "functional": {"kind": kind}, "out": tj(out)}
    if v is not None:
        case["functional"]["v"] = tj(v)
    CASES.append(case)


def functional_cases():
    add_functional("jacobian softmax [4]", "jacobian", [randn(4)], [["softmax", [0], {"axis": 0}]])
    add_functional("jacobian logSoftmax [2,3] axis=1", "jacobian", [randn(2, 3)], [["logSoftmax", [0], {"axis": 1}]])
    add_functional("jacobian sigmoid [3]", "jacobian", [randn(3)], [["sigmoid", [0], {}]])
    add_functional("jacobian x W [3]·[3,2]", "jacobian", [randn(3), randn(3, 2)], [["matmul", [0, 1], {}]])
    add_functional("jacobian x*tanh(x) [2,2]", "jacobian", [randn(2, 2)], [["tanh", [0], {}], ["mul", [0, 1], {}]])
    add_functional("jacobian sum over axis [2,3]", "jacobian", [randn(2, 3)], [["sum", [0], {"axis": 0}]])
    hess = [
        ("sum tanh(x)^2 [4]", [randn(4)], [["tanh", [0], {}], ["square", [1], {}], ["sum", [2], {}]]),
        ("logsumexp [5]", [randn(5)],
         [["max", [0], {"axis": 0, "keep": True}], ["sub", [0, 1], {}], ["exp", [2], {}], ["sum", [3], {}],
          ["log", [4], {}], ["max", [0], {"axis": 0}], ["add", [5, 6], {}]]),
        ("sum softplus at ±1000 [4]", [t(-1000.0, 0.3, 2.0, 1000.0)], [["softplus", [0], {}], ["sum", [1], {}]]),
        ("quadratic form x^T A x [3]", [randn(3), randn(3, 3)],
         [["matmul", [1, 0], {}], ["mul", [0, 2], {}], ["sum", [3], {}]]),
        ("mean x^3 [2,3]", [randn(2, 3)], [["pow", [0], {"p": 3.0}], ["mean", [1], {}]]),
        ("crossEntropy [2,3]", [randn(2, 3)], cross_entropy_graph([2, 0])),
        ("sum exp(x) sin(x) [3]", [randn(3)], [["exp", [0], {}], ["sin", [0], {}], ["mul", [1, 2], {}], ["sum", [3], {}]]),
        ("linear sum 2x: zero [3]", [randn(3)], [["mul", [0], {"c": 2.0}], ["sum", [1], {}]]),
        ("sum log(sigmoid(x)) [4]", [randn(4)], [["sigmoid", [0], {}], ["log", [1], {}], ["sum", [2], {}]]),
    ]
    for name, inputs, graph in hess:
        add_functional("hessian " + name, "hessian", inputs, graph)
        add_functional("hvp " + name, "hvp", inputs, graph, v=randn(*inputs[0].shape))


def main():
    unary_cases()
    binary_cases()
    reduction_cases()
    matmul_cases()
    shaping_cases()
    degenerate_cases()
    empty_cases()
    composite_cases()
    extreme_cases()
    kink_cases()
    second_order_cases()
    functional_cases()
    golden = {"generator": "autodiff/src/test/python/gen_torch_golden.py", "torch": torch.__version__,
              "count": len(CASES), "cases": CASES}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        # One case per line: compact, and a regenerated fixture diffs case by case.
        f.write('{"generator":%s,"torch":%s,"count":%d,"cases":[\n'
                % (json.dumps(golden["generator"]), json.dumps(golden["torch"]), len(CASES)))
        f.write(",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in CASES))
        f.write("\n]}\n")
    print("wrote %d cases to %s (%d bytes)" % (len(CASES), os.path.normpath(OUT), os.path.getsize(OUT)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
