package io.github.chainrule.viz;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.examples.TinyNetworkGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Graphs shared by the tests, and the golden DOT files drawn from them. */
public final class Fixtures {
  private Fixtures() {}

  /** A two-layer network whose parameters are named the way nn names them ("hidden.weight"). */
  public static Tensor mlpLoss(boolean backward) {
    Tensor x = Tensor.of(new double[][] {{0.5, -1.0, 2.0}, {1.5, 0.25, -0.5}}).named("x");
    Tensor y = Tensor.of(new double[][] {{1.0}, {-1.0}}).named("y");
    Tensor w1 = Tensor.of(new double[][] {{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.6}}).named("hidden.weight").requiresGrad();
    Tensor b1 = Tensor.vector(0.01, -0.02).named("hidden.bias").requiresGrad();
    Tensor w2 = Tensor.of(new double[][] {{0.7}, {-0.8}}).named("out.weight").requiresGrad();
    Tensor b2 = Tensor.vector(0.05).named("out.bias").requiresGrad();
    Tensor h = x.matmul(w1).add(b1).relu().named("hidden.out");
    Tensor pred = h.matmul(w2).add(b2);
    Tensor loss = pred.sub(y).square().mean().named("loss");
    if (backward) {
      loss.backward();
    }
    return loss;
  }

  /** A chain of {@code length} tanh ops on one named parameter, after backward. */
  public static Tensor tanhChain(int length) {
    Tensor t = Tensor.scalar(0.5).named("x").requiresGrad();
    for (int i = 0; i < length; i++) {
      t = t.tanh();
    }
    t.backward();
    return t;
  }

  /** Names that break naive escaping. */
  public static final String[] NASTY_NAMES = {
      "quote\"d", "<tag>", "a & b", "{brace}|bar", "back\\slash", "caf\u00e9 \u03b8 \u4e2d \ud83d\ude00",
      "new\nline", "la<y>er{0}.weight", ""
  };

  public static Tensor nastyLoss() {
    Tensor a = Tensor.vector(1, 2).named(NASTY_NAMES[0]).requiresGrad();
    Tensor b = Tensor.vector(3, 4).named(NASTY_NAMES[1]).requiresGrad();
    Tensor c = a.mul(b).named(NASTY_NAMES[2]);
    Tensor d = c.add(Tensor.vector(1, 1).named(NASTY_NAMES[3])).named(NASTY_NAMES[4]);
    Tensor e = d.exp().named(NASTY_NAMES[5]).neg().named(NASTY_NAMES[8]).neg();
    Tensor w = Tensor.scalar(0.1).named(NASTY_NAMES[7]).requiresGrad();
    Tensor loss = e.mul(w).sum().named(NASTY_NAMES[6]);
    loss.backward();
    return loss;
  }

  /** log(-1) is NaN and 1/0 is Inf: both must be marked. */
  public static Tensor nonFiniteLoss() {
    Tensor a = Tensor.vector(-1.0, 2.0).named("a").requiresGrad();
    Tensor b = Tensor.vector(0.0, 1.0).named("b").requiresGrad();
    Tensor loss = a.log().add(Tensor.scalar(1.0).div(b)).sum().named("loss");
    loss.backward();
    return loss;
  }

  /** A 5×5 parameter: its value and gradient are summarised under a limit of 4. */
  public static Tensor largeTensorLoss() {
    Tensor w = Tensor.of(new double[][] {
        {1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, {11, 12, 13, 14, 15}, {16, 17, 18, 19, 20}, {21, 22, 23, 24, 25}})
        .named("big").requiresGrad();
    Tensor loss = w.mul(0.01).square().sum().named("loss");
    loss.backward();
    return loss;
  }

  /** Every golden graph by file name (without .dot), generated afresh. */
  public static Map<String, Supplier<String>> goldenGraphs() {
    Map<String, Supplier<String>> g = new LinkedHashMap<>();
    g.put("tiny-network-forward", () -> DotExporter.toDot(TinyNetworkGraph.loss()));
    g.put("tiny-network-backward", () -> DotExporter.toDot(TinyNetworkGraph.lossAfterBackward(),
        DotOptions.defaults().withEdgeLabels(true)));
    g.put("nasty-names", () -> DotExporter.toDot(nastyLoss(),
        DotOptions.defaults().withEdgeLabels(true).withTitle("title \"<&>\" {x} \\ \u00e9")));
    g.put("mlp-clusters", () -> DotExporter.toDot(mlpLoss(true), DotOptions.defaults().withEdgeLabels(true)));
    g.put("mlp-collapsed", () -> DotExporter.toDot(mlpLoss(true), DotOptions.defaults().withCollapsedModules(true)));
    g.put("mlp-no-clusters", () -> DotExporter.toDot(mlpLoss(false),
        DotOptions.defaults().withClusters(false).withoutGradientColours()
            .withDirection(DotOptions.Direction.LEFT_TO_RIGHT)));
    g.put("chain-max-nodes", () -> DotExporter.toDot(tanhChain(30), DotOptions.defaults().withMaxNodes(6)));
    g.put("non-finite", () -> DotExporter.toDot(nonFiniteLoss(), DotOptions.defaults().withEdgeLabels(true)));
    g.put("large-tensor", () -> DotExporter.toDot(largeTensorLoss(), DotOptions.defaults().withValueLimit(4)));
    return g;
  }
}
