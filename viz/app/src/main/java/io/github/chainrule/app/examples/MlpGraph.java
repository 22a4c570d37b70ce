package io.github.chainrule.app.examples;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.layers.Activation;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.render.Graphviz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The graph of a real model: a 2-16-16-1 ReLU network on a batch of eight rows, after one
 * {@code backward()}. Linear layers are one matmul each (no transpose node), every layer's output
 * is named by its position ({@code 0.out}, {@code 1.out}, ...), columns print on one line, and
 * ReLU units that no row activates show as gradients of exactly 0. The overflowing variant feeds a
 * row of 1e300: the loss is infinite and the gradients NaN, drawn black.
 *
 * <p>Run it with the app module's class path; it writes {@code mlp.dot} and
 * {@code mlp-overflow.dot} (and their {@code .svg} when Graphviz is installed) to the directory
 * given, {@code target/mlp-graph} by default.
 */
public final class MlpGraph {
  static final int ROWS = 8;

  private MlpGraph() {}

  /** 2-16-16-1 with ReLU between layers, seeded. */
  public static Sequential model() {
    return new Sequential(new Linear(2, 16, 1), Activation.relu(), new Linear(16, 16, 2), Activation.relu(),
        new Linear(16, 1, 3));
  }

  /** The MSE of the network on eight rows (x in [-1, 1]², target x₀·x₁) after backward(). */
  public static Tensor lossAfterBackward(boolean overflow) {
    double[] x = new double[ROWS * 2];
    double[] y = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      x[2 * r] = -1 + 2.0 * r / (ROWS - 1);
      x[2 * r + 1] = Math.sin(3.0 * r);
      y[r] = x[2 * r] * x[2 * r + 1];
    }
    if (overflow) {
      x[0] = 1e300;
    }
    Sequential net = model();
    Tensor loss = Losses.mse().compute(net.forward(Tensor.wrap(x, ROWS, 2).named("x")),
        Tensor.wrap(y, ROWS, 1).named("y")).named("loss");
    loss.backward();
    return loss;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/mlp-graph");
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (boolean overflow : new boolean[] {false, true}) {
      Path dot = dir.resolve(overflow ? "mlp-overflow.dot" : "mlp.dot");
      DotExporter.with(DotOptions.defaults()).write(lossAfterBackward(overflow), dot);
      written.add(dot);
      written.add(Graphviz.standard().renderFile(dot, Graphviz.Format.SVG,
          dot.resolveSibling(dot.getFileName().toString().replace(".dot", ".svg"))).file());
    }
    written.forEach(p -> System.out.println("wrote " + p));
  }
}
