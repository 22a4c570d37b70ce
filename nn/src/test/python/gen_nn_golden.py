#!/usr/bin/python3
"""Golden values for chainrule's nn module, computed with real PyTorch in float64.

Writes nn/src/test/resources/golden/nn_golden.json, which NnGoldenTest reproduces within 1e-12
relative (the losses' Hessian-vector products within 1e-10: PyTorch's own BCE double backward is
8e-12 off the exact value). Sections: a Linear layer, four MLPs, losses (including logits at ±1000,
probabilities of exactly 0 and 1, zero errors), losses differentiated twice, optimiser
trajectories on a Linear layer (21) and on a 2-5-3 MLP (7 x 10 steps), schedules and clipping. The fixture is committed so the Java build needs no Python; rerun this after changing a
case:

    apt-get install -y python3-torch            # Debian's PyTorch (1.13 on bookworm)
    /usr/bin/python3 nn/src/test/python/gen_nn_golden.py

Every input (weights, data, targets) is written to the fixture, so the Java side never needs
PyTorch's random generator. Optimisers run the single-tensor code path (foreach=False), which is
the one chainrule follows operation for operation.
"""
import json
import os
import sys

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(1234)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "nn_golden.json")


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def tensor_json(t):
    return {"shape": list(t.shape), "values": flat(t)}


# ------------------------------------------------------------------ layers

def linear_case():
    layer = torch.nn.Linear(4, 3)
    x = torch.randn(5, 4, requires_grad=True)
    r = torch.randn(5, 3)
    y = layer(x)
    loss = (y * r).sum()
    loss.backward()
    return {
        "weight": tensor_json(layer.weight), "bias": tensor_json(layer.bias),
        "x": tensor_json(x), "r": tensor_json(r), "y": tensor_json(y), "loss": loss.item(),
        "grad_weight": tensor_json(layer.weight.grad), "grad_bias": tensor_json(layer.bias.grad),
        "grad_x": tensor_json(x.grad),
    }


def mlp_case(activation):
    acts = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid,
            "leakyrelu": lambda: torch.nn.LeakyReLU(0.01)}
    net = torch.nn.Sequential(torch.nn.Linear(3, 5), acts[activation](), torch.nn.Linear(5, 4),
                              acts[activation](), torch.nn.Linear(4, 2))
    x = torch.randn(6, 3, requires_grad=True)
    target = torch.randn(6, 2)
    y = net(x)
    loss = torch.nn.functional.mse_loss(y, target)
    loss.backward()
    return {
        "activation": activation, "sizes": [3, 5, 4, 2],
        "params": {n: tensor_json(p) for n, p in net.named_parameters()},
        "x": tensor_json(x), "target": tensor_json(target), "y": tensor_json(y), "loss": loss.item(),
        "grads": {n: tensor_json(p.grad) for n, p in net.named_parameters()},
        "grad_x": tensor_json(x.grad),
    }


# ------------------------------------------------------------------ losses

def loss_cases():
    F = torch.nn.functional
    cases = []
    n, c = 6, 3

    def add(name, reduction, pred, target, fn):
        p = pred.clone().requires_grad_(True)
        loss = fn(p, target)
        loss.backward()
        cases.append({"name": name, "reduction": reduction, "pred": tensor_json(pred),
                      "target": tensor_json(target), "loss": loss.item(), "grad": tensor_json(p.grad)})

    pred = torch.randn(n, 2)
    target = torch.randn(n, 2)
    for red in ("mean", "sum"):
        add("mse", red, pred, target, lambda p, y: F.mse_loss(p, y, reduction=red))
        add("mae", red, pred, target, lambda p, y: F.l1_loss(p, y, reduction=red))
    add("sse", "sum", pred, target, lambda p, y: ((p - y) ** 2).sum())
    add("halfSse", "sum", pred, target, lambda p, y: 0.5 * ((p - y) ** 2).sum())

    scores = torch.randn(n, 1) * 2
    signs = torch.tensor([[1.0], [-1.0], [1.0], [1.0], [-1.0], [-1.0]])
    for red in ("mean", "sum"):
        # Binary hinge max(0, 1 - y f); PyTorch has no single module for it.
        add("hinge", red, scores, signs,
            lambda p, y: torch.clamp(1 - y * p, min=0).mean() if red == "mean" else torch.clamp(1 - y * p, min=0).sum())

    probs = torch.sigmoid(torch.randn(n, 1))
    labels01 = torch.tensor([[1.0], [0.0], [1.0], [0.0], [0.0], [1.0]])
    logits = torch.randn(n, 1) * 3
    logits[0, 0] = 40.0  # far in the tail: stability of bce with logits
    logits[1, 0] = -35.0
    for red in ("mean", "sum"):
        add("bce", red, probs, labels01, lambda p, y: F.binary_cross_entropy(p, y, reduction=red))
        add("bceWithLogits", red, logits, labels01,
            lambda p, y: F.binary_cross_entropy_with_logits(p, y, reduction=red))

    class_logits = torch.randn(n, c) * 2
    class_logits[2] = torch.tensor([300.0, -200.0, 299.0])  # exp would overflow without the max shift
    classes = torch.tensor([0, 2, 1, 1, 0, 2])
    for red in ("mean", "sum"):
        add("crossEntropy", red, class_logits, classes.to(torch.float64),
            lambda p, y: F.cross_entropy(p, y.to(torch.long), reduction=red))
    return cases


def extreme_loss_cases():
    """Numerical hygiene: losses at logits of ±1000, probabilities of exactly 0 and 1, zero errors.

    Appended to "losses" after every other section has drawn its random numbers, so adding these
    left the earlier golden values unchanged. Each carries a "label" naming what it pins down.
    """
    F = torch.nn.functional
    cases = []

    def add(label, name, reduction, pred, target, fn):
        p = pred.clone().requires_grad_(True)
        loss = fn(p, target)
        loss.backward()
        assert torch.isfinite(loss) and torch.isfinite(p.grad).all(), label
        cases.append({"name": name, "label": label, "reduction": reduction, "pred": tensor_json(pred),
                      "target": tensor_json(target), "loss": loss.item(), "grad": tensor_json(p.grad)})

    logits = torch.tensor([[1000.0], [-1000.0], [1000.0], [-1000.0], [30.0], [-700.0], [0.25], [-3.0]])
    labels01 = torch.tensor([[1.0], [0.0], [0.0], [1.0], [1.0], [0.0], [1.0], [0.0]])
    class_logits = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0], [1000.0, 1000.0, -1000.0],
                                 [-1000.0, -1000.0, -999.0], [0.5, -0.25, 2.0]])
    classes = torch.tensor([0.0, 2.0, 1.0, 0.0, 2.0])
    probs = torch.tensor([[0.0], [1.0], [0.0], [1.0], [1e-300], [0.5], [1.0 - 2.0 ** -53], [0.3]])
    probs_labels = torch.tensor([[0.0], [1.0], [1.0], [0.0], [1.0], [0.0], [1.0], [1.0]])
    pred = torch.tensor([[1000.0, -1000.0], [0.5, 2.0], [-3.0, 1e-300]])
    target = torch.tensor([[-1000.0, -1000.0], [0.5, 1.0], [-3.0, 0.0]])
    for red in ("mean", "sum"):
        add("bceWithLogits at ±1000 " + red, "bceWithLogits", red, logits, labels01,
            lambda p, y: F.binary_cross_entropy_with_logits(p, y, reduction=red))
        add("crossEntropy at ±1000 " + red, "crossEntropy", red, class_logits, classes,
            lambda p, y: F.cross_entropy(p, y.to(torch.long), reduction=red))
        # PyTorch clamps each log at -100 and divides its gradient by max(p(1 - p), 1e-12).
        add("bce at p = 0 and 1 exactly " + red, "bce", red, probs, probs_labels,
            lambda p, y: F.binary_cross_entropy(p, y, reduction=red))
        # Zero errors are kinks of mae: PyTorch's gradient there is sign(0) = 0.
        add("mae with zero errors, at ±1000 " + red, "mae", red, pred, target,
            lambda p, y: F.l1_loss(p, y, reduction=red))
        add("mse at ±1000 " + red, "mse", red, pred, target, lambda p, y: F.mse_loss(p, y, reduction=red))
    return cases


def loss_second_order_cases():
    """d/dp <dL/dp, v>: each loss's gradient differentiated once more (create_graph=True)."""
    F = torch.nn.functional
    torch.manual_seed(777)
    cases = []
    n = 5
    probs = torch.sigmoid(torch.randn(n, 1))
    labels01 = torch.tensor([[1.0], [0.0], [1.0], [1.0], [0.0]])
    logits = torch.randn(n, 1) * 3
    logits[0, 0] = 1000.0
    class_logits = torch.randn(n, 3) * 2
    classes = torch.tensor([0.0, 2.0, 1.0, 1.0, 0.0])
    pred, target = torch.randn(n, 2), torch.randn(n, 2)
    specs = [
        ("bce", probs, labels01, lambda p, y: F.binary_cross_entropy(p, y)),
        ("bceWithLogits", logits, labels01, lambda p, y: F.binary_cross_entropy_with_logits(p, y)),
        ("crossEntropy", class_logits, classes, lambda p, y: F.cross_entropy(p, y.to(torch.long))),
        ("mse", pred, target, lambda p, y: F.mse_loss(p, y)),
    ]
    for name, p0, y, fn in specs:
        p = p0.clone().requires_grad_(True)
        v = torch.randn(p.shape)
        (g,) = torch.autograd.grad(fn(p, y), p, create_graph=True)
        (h,) = torch.autograd.grad((g * v).sum(), p)
        cases.append({"name": name, "reduction": "mean", "pred": tensor_json(p0), "target": tensor_json(y),
                      "v": tensor_json(v), "grad": tensor_json(g), "hvp": tensor_json(h)})
    return cases


# ------------------------------------------------------------------ optimisers

def adam_without_bias_correction(params, lr, betas, eps, steps_fn):
    """Adam with the factors 1 - beta^t replaced by 1: not a PyTorch option, so written out."""
    b1, b2 = betas
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    for _ in range(steps_fn.steps):
        steps_fn.step_grads()
        with torch.no_grad():
            for i, p in enumerate(params):
                g = p.grad
                m[i].mul_(b1).add_(g, alpha=1 - b1)
                v[i].mul_(b2).addcmul_(g, g, value=1 - b2)
                denom = v[i].sqrt().add_(eps)
                p.addcdiv_(m[i], denom, value=-lr)
        steps_fn.record()


class Run:
    """A Linear(3, 2) regression whose parameters an optimiser moves for a few steps."""

    steps = 6

    def __init__(self, init, x, y):
        self.layer = torch.nn.Linear(3, 2)
        with torch.no_grad():
            self.layer.weight.copy_(init["weight"])
            self.layer.bias.copy_(init["bias"])
        self.x, self.y = x, y
        self.trajectory = []
        self.losses = []
        self.lrs = []

    def params(self):
        return [self.layer.weight, self.layer.bias]

    def step_grads(self):
        for p in self.params():
            p.grad = None
        # A loss that is not quadratic in the weights, so curvature changes along the path.
        out = self.layer(self.x)
        loss = ((torch.tanh(out) - self.y) ** 2).mean()
        loss.backward()
        self.losses.append(loss.item())

    def record(self):
        self.trajectory.append({"weight": flat(self.layer.weight), "bias": flat(self.layer.bias)})


def optimizer_cases():
    init = {"weight": torch.randn(2, 3) * 0.5, "bias": torch.randn(2) * 0.5}
    x = torch.randn(8, 3)
    y = torch.tanh(torch.randn(8, 2))
    O = torch.optim
    specs = [
        ("sgd", {"lr": 0.1}),
        ("sgd", {"lr": 0.1, "momentum": 0.9}),
        ("sgd", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}),
        ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        ("sgd", {"lr": 0.1, "weight_decay": 0.05}),
        ("sgd", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
        ("adam", {"lr": 0.01}),
        ("adam", {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6}),
        ("adam", {"lr": 0.01, "amsgrad": True}),
        ("adam", {"lr": 0.01, "weight_decay": 0.1}),
        ("adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "betas": [0.5, 0.9]}),
        ("adam_no_bias_correction", {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8}),
        ("adamw", {"lr": 0.01}),
        ("adamw", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
        ("rmsprop", {"lr": 0.01}),
        ("rmsprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6}),
        ("rmsprop", {"lr": 0.01, "centered": True}),
        ("rmsprop", {"lr": 0.01, "momentum": 0.9}),
        ("rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
        ("adagrad", {"lr": 0.1}),
        ("adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.1, "eps": 1e-8}),
    ]
    cases = []
    for name, opts in specs:
        run = Run(init, x, y)
        if name == "adam_no_bias_correction":
            adam_without_bias_correction(run.params(), opts["lr"], opts["betas"], opts["eps"], run)
        else:
            kwargs = dict(opts)
            if "betas" in kwargs:
                kwargs["betas"] = tuple(kwargs["betas"])
            cls = {"sgd": O.SGD, "adam": O.Adam, "adamw": O.AdamW, "rmsprop": O.RMSprop, "adagrad": O.Adagrad}[name]
            opt = cls(run.params(), foreach=False, **kwargs)
            for _ in range(run.steps):
                opt.zero_grad()
                run.step_grads()
                opt.step()
                run.record()
        cases.append({"optimizer": name, "options": opts, "steps": run.steps, "losses": run.losses,
                      "trajectory": run.trajectory})
    return {"init": {k: tensor_json(v) for k, v in init.items()}, "x": tensor_json(x), "y": tensor_json(y),
            "cases": cases}


def optimizer_mlp_cases():
    """Trajectories of a 2-5-3 tanh MLP under cross-entropy: four parameters, ten steps each."""
    F = torch.nn.functional
    torch.manual_seed(4321)
    template = torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
    init = {n: p.detach().clone() for n, p in template.named_parameters()}
    x = torch.randn(8, 2)
    labels = torch.tensor([0, 1, 2, 1, 0, 2, 2, 1])
    specs = [
        ("sgd", {"lr": 0.5}),
        ("sgd", {"lr": 0.2, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
        ("adam", {"lr": 0.05}),
        ("adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.01, "betas": [0.85, 0.95]}),
        ("adamw", {"lr": 0.05, "weight_decay": 0.05}),
        ("rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.6}),
        ("adagrad", {"lr": 0.3, "lr_decay": 0.05}),
    ]
    steps = 10
    cases = []
    for name, opts in specs:
        net = torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
        with torch.no_grad():
            for n, p in net.named_parameters():
                p.copy_(init[n])
        kwargs = dict(opts)
        if "betas" in kwargs:
            kwargs["betas"] = tuple(kwargs["betas"])
        cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
               "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad}[name]
        opt = cls(net.parameters(), foreach=False, **kwargs)
        losses, trajectory = [], []
        for _ in range(steps):
            opt.zero_grad()
            loss = F.cross_entropy(net(x), labels)
            loss.backward()
            losses.append(loss.item())
            opt.step()
            trajectory.append({n: flat(p) for n, p in net.named_parameters()})
        cases.append({"optimizer": name, "options": opts, "steps": steps, "losses": losses,
                      "trajectory": trajectory})
    return {"sizes": [2, 5, 3], "init": {n: tensor_json(v) for n, v in init.items()}, "x": tensor_json(x),
            "labels": [int(v) for v in labels.tolist()], "cases": cases}


def schedule_cases():
    out = []
    for name, make in [
        ("step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
        ("exponential", lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
        ("cosine", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.001)),
    ]:
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        lrs = []
        for _ in range(8):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        args = {"step": {"step_size": 3, "gamma": 0.5}, "exponential": {"gamma": 0.9},
                "cosine": {"T_max": 7, "eta_min": 0.001}}[name]
        out.append({"schedule": name, "lr": 0.1, "args": args, "lrs": lrs})
    return out


def clip_cases():
    out = []
    for kind, arg in [("norm", 0.5), ("norm", 100.0), ("value", 0.3)]:
        a = torch.nn.Parameter(torch.zeros(2, 3))
        b = torch.nn.Parameter(torch.zeros(4))
        ga, gb = torch.randn(2, 3), torch.randn(4)
        a.grad, b.grad = ga.clone(), gb.clone()
        total = None
        if kind == "norm":
            total = torch.nn.utils.clip_grad_norm_([a, b], arg).item()
        else:
            torch.nn.utils.clip_grad_value_([a, b], arg)
        out.append({"kind": kind, "arg": arg, "grads": [tensor_json(ga), tensor_json(gb)],
                    "clipped": [tensor_json(a.grad), tensor_json(b.grad)], "total_norm": total})
    return out


def main():
    golden = {
        "generator": "nn/src/test/python/gen_nn_golden.py",
        "torch": torch.__version__,
        "linear": linear_case(),
        "mlp": [mlp_case(a) for a in ("tanh", "relu", "sigmoid", "leakyrelu")],
        "losses": loss_cases(),
        "optimizers": optimizer_cases(),
        "schedules": schedule_cases(),
        "clipping": clip_cases(),
    }
    # Sections added later draw their random numbers after the ones above, which stay unchanged.
    golden["losses"] += extreme_loss_cases()
    golden["optimizers_mlp"] = optimizer_mlp_cases()
    golden["loss_second_order"] = loss_second_order_cases()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
