package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Pages.num;
import static io.github.chainrule.app.gallery.Pages.row;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Mlp;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.optim.Adam;
import io.github.chainrule.nn.train.History;
import io.github.chainrule.nn.train.Callback;
import io.github.chainrule.nn.train.Progress;
import io.github.chainrule.nn.train.Trainer;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.plot.Plots;
import io.github.chainrule.viz.plot.ReluCurve;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A 1-5-1 network (ReLU hidden layer, linear output) fitted to y = x² at x = −5, −4, ..., 4, and
 * taken apart: each hidden unit is a hinge relu(aᵢx + bᵢ) bending at x = −bᵢ/aᵢ, and the curve is
 * c + Σ wᵢ·relu(aᵢx + bᵢ), so every straight piece between two kinks has the slope Σ wᵢaᵢ of all
 * the units active there, not one unit's.
 */
final class ReluParabola implements Demo {
  static final int UNITS = 5;
  static final long SEED = 0;
  static final double LEARNING_RATE = 0.05;
  static final int STEPS = 2000;

  @Override
  public String name() {
    return "relu-parabola";
  }

  @Override
  public String title() {
    return "How five ReLU hinges add up to a parabola";
  }

  /** x = −5, −4, ..., 4: the integers of Python's range(-5, 5). */
  static double[] xs() {
    double[] x = new double[10];
    for (int i = 0; i < x.length; i++) {
      x[i] = i - 5;
    }
    return x;
  }

  static Dataset data() {
    double[] x = xs();
    double[][] in = new double[x.length][];
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      in[i] = new double[] {x[i]};
      y[i] = x[i] * x[i];
    }
    return Dataset.of(in, y);
  }

  /** The trained network, its history, and its parameters as a, b (hidden), w, c (output). */
  record Fit(Sequential net, History history, double[] a, double[] b, double[] w, double c, double mse) {
    double[] x() {
      return xs();
    }

    double[] y() {
      return Arrays.stream(xs()).map(v -> v * v).toArray();
    }

    ReluCurve curve() {
      return new ReluCurve(a, b, w, c);
    }
  }

  static Fit fit() {
    return fit(ProgressSink.NONE);
  }

  static Fit fit(ProgressSink progress) {
    Sequential net = Mlp.of(1, UNITS, 1).seed(SEED).build();
    Dataset d = data();
    // nn's own bar is for fits of its own; the demo's goes through the sink, a hundred times a run.
    History h = Trainer.of(net, Losses.mse(), Adam.of(net, LEARNING_RATE)).progress(Progress.off())
        .callback(new Callback() {
          @Override
          public void onStep(StepEnd step) {
            if ((step.step() + 1) % (STEPS / 100) == 0) {
              progress.done(step.step() + 1, STEPS);
            }
          }
        })
        .fit(d.fullBatch(), STEPS);
    Linear hidden = (Linear) net.get(0);
    Linear out = (Linear) net.get(2);
    double mse;
    try (var scope = Tensor.noGrad()) {
      mse = Losses.mse().compute(net.forward(d.inputs()), d.targets()).item();
    }
    return new Fit(net, h, hidden.weight().toArray(), hidden.bias().toArray(), out.weight().toArray(),
        out.bias().item(), mse);
  }

  @Override
  public DemoResult run(Path outDir) throws IOException {
    return run(outDir, ProgressSink.NONE);
  }

  @Override
  public DemoResult run(Path outDir, ProgressSink progress) throws IOException {
    Fit fit = fit(progress);
    ReluCurve curve = fit.curve();
    double[] kinkOf = new double[UNITS];
    for (int i = 0; i < UNITS; i++) {
      kinkOf[i] = -fit.b()[i] / fit.a()[i];
    }
    double[] kinks = curve.kinks();
    List<Piece> pieces = pieces(fit, kinks);

    Map<String, Double> keys = new LinkedHashMap<>();
    keys.put("mse", fit.mse());
    keys.put("steps", (double) STEPS);
    for (int i = 0; i < UNITS; i++) {
      keys.put("a" + (i + 1), fit.a()[i]);
      keys.put("b" + (i + 1), fit.b()[i]);
      keys.put("w" + (i + 1), fit.w()[i]);
    }
    keys.put("c", fit.c());
    for (int i = 0; i < kinks.length; i++) {
      keys.put("kink " + (i + 1), kinks[i]);
    }

    Pages page = new Pages(outDir, "relu-parabola: five hinges make a parabola");
    page.report().paragraph(reading(fit, kinks, pieces));
    double[][] grid = grid(curve, -5.5, 4.5, 201);
    page.report().plot("The fit", Plots.dataVsPrediction("y = x^2 at x = -5..4 and the 1-5-1 ReLU network",
        fit.x(), fit.y(), grid[0], grid[1]));
    page.report().plot("How the curve is built: each unit's hinge (dashed), times its weight (solid), and their sum",
        curve.chart("Each unit's relu(a x + b), its weighted contribution w relu(a x + b), and f(x)", -5.5, 4.5));
    page.report().plot("Loss per step", Charts.perStep("Mean squared error per step (Adam, full batch)", "MSE",
        Pages.series("train", fit.history().stepLosses()), true));
    List<List<String>> units = new ArrayList<>();
    for (int i = 0; i < UNITS; i++) {
      double a = fit.a()[i];
      units.add(row("h" + (i + 1), num(a), num(fit.b()[i]), num(fit.w()[i]), num(kinkOf[i]),
          a > 0 ? "x > " + num(kinkOf[i]) : "x < " + num(kinkOf[i]), num(fit.w()[i] * a)));
    }
    page.report().table("The units: each a hinge at x = -b/a", List.of("unit", "a (input weight)", "b (bias)",
        "w (output weight)", "kink -b/a", "active where", "slope it adds, w a"), units);
    List<List<String>> pieceRows = new ArrayList<>();
    for (Piece p : pieces) {
      pieceRows.add(row(p.from(), p.to(), p.active().isEmpty() ? "none" : String.join(", ", p.active()),
          num(p.slope())));
    }
    page.report().table("The straight pieces between kinks: slope = sum of w a over the active units",
        List.of("from x", "to x", "active units", "slope"), pieceRows);
    Tensor loss = lossAfterBackward(fit);
    page.report().parameters("Parameters at the end, with the gradient of the final MSE",
        List.of(fit.net().parameters().get(0).tensor(), fit.net().parameters().get(1).tensor(),
            fit.net().parameters().get(2).tensor(), fit.net().parameters().get(3).tensor()));
    page.graph("The graph of the final loss", "graph", loss, DotOptions.defaults());
    page.csv("fit.csv", "x, y = x^2 and the network's prediction on the data", Pages.series("x", fit.x(), "y", fit.y(),
        "prediction", Arrays.stream(fit.x()).map(curve::output).toArray()));
    page.csv("loss.csv", "the MSE of every training step", Pages.series("step", Pages.steps(STEPS),
        "mse", fit.history().stepLosses()));
    Path report = page.write();
    StringBuilder kinkText = new StringBuilder();
    for (double k : kinks) {
      kinkText.append(kinkText.length() > 0 ? ", " : "").append(Pages.fixed(k, 3));
    }
    List<String> summary = List.of(
        String.format(Locale.ROOT,
            "1-5-1 ReLU network on y = x^2, x = -5..4: MSE %s after %d Adam steps (lr %s, seed %d)",
            num(fit.mse()), STEPS, num(LEARNING_RATE), SEED),
        "kinks at x = " + kinkText + "; " + pieces.size() + " straight pieces, each sloped by every unit active on it");
    return new DemoResult(name(), report, summary, keys);
  }

  /** One straight piece of the curve: its x range, the units active on it, and its slope. */
  record Piece(String from, String to, List<String> active, double slope) {}

  static List<Piece> pieces(Fit fit, double[] kinks) {
    List<Piece> out = new ArrayList<>();
    double[] edges = new double[kinks.length + 2];
    edges[0] = Double.NEGATIVE_INFINITY;
    System.arraycopy(kinks, 0, edges, 1, kinks.length);
    edges[edges.length - 1] = Double.POSITIVE_INFINITY;
    for (int p = 0; p + 1 < edges.length; p++) {
      double lo = edges[p];
      double hi = edges[p + 1];
      // A point inside the piece decides which units are active on all of it.
      double probe = Double.isInfinite(lo) ? hi - 1 : Double.isInfinite(hi) ? lo + 1 : (lo + hi) / 2;
      List<String> active = new ArrayList<>();
      double slope = 0;
      for (int i = 0; i < UNITS; i++) {
        if (fit.a()[i] * probe + fit.b()[i] > 0) {
          active.add("h" + (i + 1));
          slope += fit.w()[i] * fit.a()[i];
        }
      }
      out.add(new Piece(Double.isInfinite(lo) ? "-inf" : num(lo), Double.isInfinite(hi) ? "+inf" : num(hi), active,
          slope));
    }
    return out;
  }

  private static String reading(Fit fit, double[] kinks, List<Piece> pieces) {
    int shared = 0;
    for (Piece p : pieces) {
      if (p.active().size() > 1) {
        shared++;
      }
    }
    return "A network with one input, five ReLU hidden units and a linear output computes f(x) = c + w1 relu(a1 x + b1) "
        + "+ ... + w5 relu(a5 x + b5). Each unit is a hinge: flat at 0 on one side of x = -b/a and a straight ramp of "
        + "slope a on the other. Fitted to y = x^2 at the ten points x = -5, -4, ..., 4 (full batch, Adam with learning "
        + "rate " + num(LEARNING_RATE) + ", " + STEPS + " steps, weights from PyTorch's default initialisation with "
        + "seed " + SEED + "), it reaches a mean squared error of " + num(fit.mse()) + ". The five kinks sit at x = "
        + Arrays.toString(Arrays.stream(kinks).map(k -> Math.round(k * 1000) / 1000.0).toArray()) + ", cutting the line "
        + "into " + pieces.size() + " straight pieces. The curve is the weighted sum of the hinges, not one segment per "
        + "unit: a hinge, once switched on, keeps adding its slope w a to every piece beyond its kink, and " + shared
        + " of the " + pieces.size() + " pieces are shaped by more than one unit at once (the table of pieces lists "
        + "them). The parabola's bend comes from the slopes changing by w a at each kink; between the kinks the "
        + "network can only draw straight lines, which is why the fit misses the points between kinks a little.";
  }

  private static double[][] grid(ReluCurve curve, double lo, double hi, int n) {
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * i / (n - 1);
      y[i] = curve.output(x[i]);
    }
    return new double[][] {x, y};
  }

  private static Tensor lossAfterBackward(Fit fit) {
    Dataset d = data();
    fit.net().zeroGrad();
    Tensor loss = Losses.mse().compute(fit.net().forward(d.inputs().named("x")), d.targets().named("y"))
        .named("loss");
    loss.backward();
    return loss;
  }
}
