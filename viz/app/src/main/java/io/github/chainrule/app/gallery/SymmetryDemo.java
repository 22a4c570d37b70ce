package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Pages.num;
import static io.github.chainrule.app.gallery.Pages.row;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.Symmetry;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.init.Init;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.optim.Sgd;
import io.github.chainrule.nn.train.History;
import io.github.chainrule.nn.train.Progress;
import io.github.chainrule.nn.train.Trainer;
import io.github.chainrule.viz.dot.DotOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Heaton's 2-2-1 sigmoid network trained on XOR twice: once with both hidden units starting
 * identical, once from random weights. The twins receive identical gradients, take identical steps
 * and stay bit-for-bit identical at every step, so the layer computes like one unit and XOR stays
 * out of reach; the random units differentiate and solve it.
 */
final class SymmetryDemo implements Demo {
  static final double[][] XOR_INPUTS = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  static final double[] XOR_TARGETS = {0, 1, 1, 0};
  static final double LEARNING_RATE = 0.7;
  static final double MOMENTUM = 0.3;
  static final int EPOCHS = 2000;
  static final long RANDOM_SEED = 7;

  @Override
  public String name() {
    return "symmetry";
  }

  @Override
  public String title() {
    return "Why identical hidden units never learn different things, and random ones do";
  }

  /** One training run: its history (every value and gradient per step) and the trained network. */
  record Run(String label, HeatonNetwork net, History history, Symmetry.Result detector, Tensor loss) {
    /** Per step, the largest |difference| between the two hidden units' incoming weights and bias. */
    double[] unitDifference() {
      return difference(history.values("hidden.weight"), history.values("hidden.bias"));
    }

    /** Per step, the same for their gradients. */
    double[] gradientDifference() {
      return difference(history.gradients("hidden.weight"), history.gradients("hidden.bias"));
    }

    double finalLoss() {
      return loss.item();
    }
  }

  private static double[] difference(double[][] weight, double[][] bias) {
    double[] out = new double[weight.length];
    for (int s = 0; s < out.length; s++) {
      double[] w = weight[s];
      double[] b = bias[s];
      out[s] = Math.max(Math.max(Math.abs(w[0] - w[2]), Math.abs(w[1] - w[3])), Math.abs(b[0] - b[1]));
    }
    return out;
  }

  /**
   * The identical start: Heaton's network with H1 made a copy of H2, incoming weights (0.95, 0.46),
   * bias 0.10, and outgoing weight 0.58.
   */
  static HeatonNetwork twins() {
    HeatonNetwork net = HeatonNetwork.published();
    net.set("hidden.weight", new double[][] {{0.95, 0.46}, {0.95, 0.46}});
    net.set("hidden.bias", 0.10, 0.10);
    net.set("output.weight", 0.58, 0.58);
    return net;
  }

  /** The random start: every weight and bias drawn from U(-1, 1) with a fixed seed. */
  static HeatonNetwork random() {
    HeatonNetwork net = new HeatonNetwork();
    Init.apply(net, RANDOM_SEED, Init.uniform(-1, 1), Init.uniform(-1, 1));
    return net;
  }

  /** Full-batch training on the four XOR rows, loss ½Σ(o − y)², recording every step. */
  static Run train(String label, HeatonNetwork net) {
    Dataset xor = Dataset.of(XOR_INPUTS, XOR_TARGETS);
    History history = Trainer.of(net, Losses.halfSse(), Sgd.builder(LEARNING_RATE).momentum(MOMENTUM).build(net))
        .recordParameters(true).progress(Progress.off()).fit(xor.fullBatch(), EPOCHS);
    // One more backward pass at the final weights, for the detector and the graph.
    net.zeroGrad();
    Tensor loss = Losses.halfSse().compute(net.forward(xor.inputs()), xor.targets()).named("loss");
    loss.backward();
    return new Run(label, net, history, Symmetry.find("hidden", net.hidden.weight(), net.hidden.bias()), loss);
  }

  @Override
  public DemoResult run(Path outDir) throws IOException {
    Run twins = train("twins", twins());
    Run random = train("random", random());
    double twinMax = max(twins.unitDifference());
    double twinGradMax = max(twins.gradientDifference());
    double[] randomDiff = random.unitDifference();
    Map<String, Double> keys = new LinkedHashMap<>();
    keys.put("steps", (double) EPOCHS);
    keys.put("twins max weight difference", twinMax);
    keys.put("twins max gradient difference", twinGradMax);
    keys.put("twins effective units", (double) twins.detector().effectiveUnits());
    keys.put("twins final loss", twins.finalLoss());
    keys.put("random initial weight difference", randomDiff[0]);
    keys.put("random final weight difference", randomDiff[randomDiff.length - 1]);
    keys.put("random effective units", (double) random.detector().effectiveUnits());
    keys.put("random final loss", random.finalLoss());

    Pages page = new Pages(outDir, "symmetry: identical hidden units stay identical");
    page.report().paragraph(reading(twins, random, twinMax, twinGradMax));
    detectorReport(page, "Symmetry detector, twins: ", twins.detector());
    detectorReport(page, "Symmetry detector, random start: ", random.detector());
    page.report().plot("Loss per step", Charts.perStep("Loss 1/2 sum (o - y)^2 on the four XOR rows", "loss",
        Pages.series("twins", twins.history().stepLosses(), "random", random.history().stepLosses()), true));
    page.report().plot("Twins: hidden weights per step (both units' lines lie on top of each other)",
        Charts.perStep("Twins: incoming weights of H1 and H2", "value", hiddenSeries(twins.history(), false), false));
    page.report().plot("Random start: hidden weights per step", Charts.perStep(
        "Random start: incoming weights of H1 and H2", "value", hiddenSeries(random.history(), false), false));
    page.report().plot("Twins: gradients per step", Charts.perStep("Twins: gradients of H1's and H2's weights",
        "gradient", hiddenSeries(twins.history(), true), false));
    page.report().plot("How far apart the two hidden units are", Charts.perStep(
        "max |H1 - H2| over incoming weights and bias", "difference",
        Pages.series("twins", twins.unitDifference(), "random", randomDiff), false));
    page.report().table("After training", List.of("start", "final loss", "H1 (I1, I2, bias)", "H2 (I1, I2, bias)",
        "outputs on (0,0) (0,1) (1,0) (1,1)", "effective units"), List.of(finalRow(twins), finalRow(random)));
    page.report().parameters("Twins: parameters and gradients at the end", params(twins.net()));
    page.report().parameters("Random start: parameters and gradients at the end", params(random.net()));
    page.graph("Twins after training: both hidden units show the same values and gradients", "twins-graph",
        twins.loss(), DotOptions.defaults());
    Map<String, double[]> csv = new LinkedHashMap<>();
    csv.put("step", Pages.steps(EPOCHS + 1));
    csv.putAll(prefixed("twins.", twins.history()));
    csv.putAll(prefixed("random.", random.history()));
    page.csv("trajectory.csv", "every parameter per step (row 0 the start), both runs", csv);
    Path report = page.write();
    List<String> summary = List.of(
        String.format(Locale.ROOT,
            "twins: max |H1 - H2| over %d steps = %s (weights), %s (gradients); detector: %d effective "
            + "unit(s); final loss %s", EPOCHS, num(twinMax), num(twinGradMax), twins.detector().effectiveUnits(),
            num(twins.finalLoss())),
        String.format(Locale.ROOT,
            "random: |H1 - H2| %s at the start, %s at the end; %d effective units; final loss %s",
            num(randomDiff[0]), num(randomDiff[randomDiff.length - 1]), random.detector().effectiveUnits(),
            num(random.finalLoss())));
    return new DemoResult(name(), report, summary, keys);
  }

  /** The detector's report, one paragraph per line it prints. */
  private static void detectorReport(Pages page, String lead, Symmetry.Result result) {
    String[] lines = result.toString().split("\n");
    for (int i = 0; i < lines.length; i++) {
      page.report().paragraph(i == 0 ? lead + lines[i] : lines[i]);
    }
  }

  private static String reading(Run twins, Run random, double twinMax, double twinGradMax) {
    return "Both runs train the same 2-2-1 sigmoid network on the four XOR rows with full-batch SGD (learning rate "
        + LEARNING_RATE + ", momentum " + MOMENTUM + ", " + EPOCHS + " steps, loss 1/2 sum (o - y)^2). In the first, "
        + "H1 starts as an exact copy of H2 (incoming weights 0.95 and 0.46, bias 0.10, outgoing weight 0.58). The two "
        + "units then compute the same output for every input, receive the same gradient and take the same step, "
        + "so they are still copies after the step, and after every step: the largest difference between them over all "
        + EPOCHS + " steps is " + num(twinMax) + " in the weights and " + num(twinGradMax) + " in the gradients, "
        + "bit for bit. Two identical units are worth one, and one sigmoid unit cannot carve XOR: the loss stalls at "
        + num(twins.finalLoss()) + ". From random weights (U(-1, 1), seed " + RANDOM_SEED + ") the units start "
        + num(random.unitDifference()[0]) + " apart, receive different gradients and end "
        + num(random.unitDifference()[random.unitDifference().length - 1]) + " apart, and the loss falls to "
        + num(random.finalLoss()) + ". The symmetry detector, run on the final gradients, reports "
        + twins.detector().effectiveUnits() + " effective unit(s) for the twins and "
        + random.detector().effectiveUnits() + " for the random start.";
  }

  private static List<String> finalRow(Run r) {
    double[] w = r.net().hidden.weight().data();
    double[] b = r.net().hidden.bias().data();
    double[] out;
    try (var scope = Tensor.noGrad()) {
      out = r.net().forward(Tensor.of(XOR_INPUTS)).toArray();
    }
    StringBuilder outs = new StringBuilder();
    for (double o : out) {
      outs.append(outs.length() > 0 ? ", " : "").append(Pages.fixed(o, 3));
    }
    return row(r.label(), num(r.finalLoss()), num(w[0]) + ", " + num(w[1]) + ", " + num(b[0]),
        num(w[2]) + ", " + num(w[3]) + ", " + num(b[1]), outs.toString(),
        String.valueOf(r.detector().effectiveUnits()));
  }

  private static List<Tensor> params(HeatonNetwork net) {
    return List.of(net.hidden.weight(), net.hidden.bias(), net.output.weight(), net.output.bias());
  }

  /** H1's and H2's incoming weights and biases per step, values or gradients. */
  private static Map<String, double[]> hiddenSeries(History h, boolean gradients) {
    Map<String, double[]> out = new LinkedHashMap<>();
    String[] units = {"H1", "H2"};
    for (int u = 0; u < 2; u++) {
      out.put("I1->" + units[u], series(h, gradients, "hidden.weight", u, 0));
      out.put("I2->" + units[u], series(h, gradients, "hidden.weight", u, 1));
      out.put("B1->" + units[u], series(h, gradients, "hidden.bias", u));
    }
    return out;
  }

  private static double[] series(History h, boolean gradients, String name, int... index) {
    return gradients ? h.gradientSeries(name, index) : h.valueSeries(name, index);
  }

  private static Map<String, double[]> prefixed(String prefix, History h) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String name : h.parameterNames()) {
      int[] shape = h.shape(name);
      double[][] v = h.values(name);
      int size = v[0].length;
      for (int i = 0; i < size; i++) {
        double[] col = new double[v.length];
        for (int s = 0; s < v.length; s++) {
          col[s] = v[s][i];
        }
        out.put(prefix + name + (size == 1 && shape.length <= 1 ? "" : "[" + i + "]"), col);
      }
    }
    return out;
  }

  static double max(double[] v) {
    double m = 0;
    for (double d : v) {
      m = Math.max(m, d);
    }
    return m;
  }
}
