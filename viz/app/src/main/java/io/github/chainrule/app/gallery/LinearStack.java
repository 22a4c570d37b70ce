package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Pages.num;
import static io.github.chainrule.app.gallery.Pages.row;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.GradientHealth;
import io.github.chainrule.autodiff.inspect.GradientHistory;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.layers.Activation;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.module.Parameter;
import io.github.chainrule.nn.optim.Adam;
import io.github.chainrule.nn.optim.Optimizer;
import io.github.chainrule.nn.optim.RmsProp;
import io.github.chainrule.nn.optim.Sgd;
import io.github.chainrule.nn.train.History;
import io.github.chainrule.nn.train.Progress;
import io.github.chainrule.nn.train.Trainer;
import io.github.chainrule.nn.train.TrainingDivergedException;
import io.github.chainrule.viz.dot.DotOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * y = 2x + 30 learned by per-row SGD with every weight starting at 1: one neuron a·x + b learns
 * (slowly), two stacked linear neurons c·(a·x + b) + d explode within the first epoch, and the ReLU
 * sandwich c·relu(a·x + b) + d loses its unit for good. Then the learning rate is swept on the one
 * neuron, and momentum, RMSProp and Adam are tried on it.
 */
final class LinearStack implements Demo {
  static final long DATA_SEED = 29;
  static final int ROWS = 29;
  static final int EPOCHS = 100;
  static final double LEARNING_RATE = 1e-4;
  static final double[] SWEEP = {1e-2, 1e-4, 1e-5};
  static final double MOMENTUM = 0.9;
  static final double ADAPTIVE_LEARNING_RATE = 0.03;

  @Override
  public String name() {
    return "linear-stack";
  }

  @Override
  public String title() {
    return "Why stacked linear neurons explode, how a ReLU unit dies, and what the learning rate and optimiser change";
  }

  /** The three models; parameters a, b, c, d are nn's 0.weight, 0.bias, then the last layer's weight and bias. */
  enum Model {
    ONE_NEURON("one neuron", "a*x + b"),
    STACKED("two stacked linear neurons", "c*(a*x + b) + d"),
    RELU_SANDWICH("ReLU sandwich", "c*relu(a*x + b) + d");

    final String label;
    final String formula;

    Model(String label, String formula) {
      this.label = label;
      this.formula = formula;
    }

    Sequential build() {
      Sequential net = switch (this) {
        case ONE_NEURON -> new Sequential(new Linear(1, 1));
        case STACKED -> new Sequential(new Linear(1, 1), new Linear(1, 1));
        case RELU_SANDWICH -> new Sequential(new Linear(1, 1), Activation.relu(), new Linear(1, 1));
      };
      for (Parameter p : net.parameters()) {
        Arrays.fill(p.data(), 1.0);
      }
      return net;
    }
  }

  /** The 29 x values: integers drawn uniformly from [1, 100] (with replacement) from a fixed seed. */
  static double[] xs() {
    SplittableRandom rng = new SplittableRandom(DATA_SEED);
    double[] x = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      x[i] = rng.nextInt(1, 101);
    }
    return x;
  }

  static double target(double x) {
    return 2 * x + 30;
  }

  static Dataset data() {
    double[] x = xs();
    double[][] in = new double[ROWS][];
    double[] y = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      in[i] = new double[] {x[i]};
      y[i] = target(x[i]);
    }
    return Dataset.of(in, y);
  }

  /**
   * One training run. {@code divergedAt} is the step whose loss or gradient was not finite (no
   * update was made in it), or -1.
   */
  record Run(String id, String label, Model model, Sequential net, History history, int divergedAt, String error) {
    static final String[] LETTERS = {"a", "b", "c", "d"};

    /** Each parameter's value per step, by letter, row 0 the start. */
    Map<String, double[]> values() {
      return byLetter(history::valueSeries);
    }

    /** Each parameter's gradient per step, by letter. */
    Map<String, double[]> gradients() {
      return byLetter(history::gradientSeries);
    }

    private Map<String, double[]> byLetter(BiFunction<String, int[], double[]> series) {
      Map<String, double[]> out = new LinkedHashMap<>();
      List<String> names = history.parameterNames();
      for (int i = 0; i < names.size(); i++) {
        out.put(LETTERS[i], series.apply(names.get(i), index(history.shape(names.get(i)))));
      }
      return out;
    }

    double finalValue(String letter) {
      double[] v = values().get(letter);
      return v[v.length - 1];
    }

    /** Mean squared error over all rows at the final weights; NaN after a divergence. */
    double finalMse() {
      if (divergedAt >= 0) {
        return Double.NaN;
      }
      Dataset d = data();
      try (var scope = Tensor.noGrad()) {
        return Losses.mse().compute(net.forward(d.inputs()), d.targets()).item();
      }
    }

    private static int[] index(int[] shape) {
      return new int[shape.length];
    }
  }

  /** Per-row SGD in data order, squared error, for {@link #EPOCHS} epochs or until a step is not finite. */
  static Run train(String id, String label, Model model, Function<Sequential, Optimizer> optimizer) {
    Sequential net = model.build();
    Trainer trainer = Trainer.of(net, Losses.mse(), optimizer.apply(net)).recordParameters(true)
        .progress(Progress.off());
    try {
      History h = trainer.fit(data().batches(1), EPOCHS);
      return new Run(id, label, model, net, h, -1, null);
    } catch (TrainingDivergedException e) {
      return new Run(id, label, model, net, e.history(), e.step(), e.getMessage());
    }
  }

  static Run sgd(Model model, double lr) {
    String id = model.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-lr-" + lrName(lr);
    return train(id, model.label + ", SGD lr " + num(lr), model, net -> Sgd.of(net, lr));
  }

  static Run momentum() {
    return train("momentum", "one neuron, SGD lr " + num(LEARNING_RATE) + " momentum " + MOMENTUM, Model.ONE_NEURON,
        net -> Sgd.builder(LEARNING_RATE).momentum(MOMENTUM).build(net));
  }

  static Run rmsProp() {
    return train("rmsprop", "one neuron, RMSProp lr " + num(ADAPTIVE_LEARNING_RATE), Model.ONE_NEURON,
        net -> RmsProp.of(net, ADAPTIVE_LEARNING_RATE));
  }

  static Run adam() {
    return train("adam", "one neuron, Adam lr " + num(ADAPTIVE_LEARNING_RATE), Model.ONE_NEURON,
        net -> Adam.of(net, ADAPTIVE_LEARNING_RATE));
  }

  private static String lrName(double lr) {
    return String.format(Locale.ROOT, "%.0e", lr).replace("e-0", "e-");
  }

  /** The first step after which the ReLU unit never again passes a gradient to a or b; -1 if it stays alive. */
  static int deathStep(Run relu) {
    double[] ga = relu.gradients().get("a");
    double[] gb = relu.gradients().get("b");
    int last = -1;
    for (int s = 0; s < ga.length; s++) {
      if (ga[s] != 0 || gb[s] != 0) {
        last = s;
      }
    }
    return last + 1 < ga.length ? last + 1 : -1;
  }

  @Override
  public DemoResult run(Path outDir) throws IOException {
    Run one = sgd(Model.ONE_NEURON, LEARNING_RATE);
    Run stacked = sgd(Model.STACKED, LEARNING_RATE);
    Run relu = sgd(Model.RELU_SANDWICH, LEARNING_RATE);
    List<Run> sweep = new ArrayList<>();
    for (double lr : SWEEP) {
      sweep.add(lr == LEARNING_RATE ? one : sgd(Model.ONE_NEURON, lr));
    }
    List<Run> optimisers = List.of(one, momentum(), rmsProp(), adam());
    int dies = deathStep(relu);

    Map<String, Double> keys = new LinkedHashMap<>();
    keys.put("one neuron a", one.finalValue("a"));
    keys.put("one neuron b", one.finalValue("b"));
    keys.put("one neuron mse", one.finalMse());
    keys.put("stacked diverged at step", (double) stacked.divergedAt());
    for (String l : Run.LETTERS) {
      keys.put("stacked " + l + " after 3 steps", stacked.values().get(l)[3]);
    }
    keys.put("stacked loss at step 3", stacked.history().stepLosses()[3]);
    keys.put("relu dies at step", (double) dies);
    for (String l : Run.LETTERS) {
      keys.put("relu final " + l, relu.finalValue(l));
    }
    keys.put("relu mse", relu.finalMse());
    for (int k = 0; k < SWEEP.length; k++) {
      Run r = sweep.get(k);
      String lr = lrName(SWEEP[k]);
      if (r.divergedAt() >= 0) {
        keys.put("lr " + lr + " diverged at step", (double) r.divergedAt());
      }
      keys.put("lr " + lr + " a", r.finalValue("a"));
      keys.put("lr " + lr + " b", r.finalValue("b"));
    }
    for (Run r : optimisers.subList(1, optimisers.size())) {
      keys.put(r.id() + " a", r.finalValue("a"));
      keys.put(r.id() + " b", r.finalValue("b"));
      keys.put(r.id() + " mse", r.finalMse());
    }

    Pages page = new Pages(outDir,
        "linear-stack: one neuron, two stacked neurons and a ReLU sandwich learning y = 2x + 30");
    double[] x = xs();
    page.report().paragraph("Data: y = 2x + 30 at " + ROWS + " integer x drawn uniformly from [1, 100] (with "
        + "replacement, SplittableRandom seed " + DATA_SEED + "): " + Arrays.toString(x) + ". Training: per-row SGD in "
        + "that order (batch 1, no shuffling), loss (prediction - y)^2 per row, every weight and bias starting at 1, "
        + EPOCHS + " epochs (" + EPOCHS * ROWS + " steps) unless a step turns non-finite.");

    stackedSection(page, stacked);
    reluSection(page, relu, dies);
    sweepSection(page, sweep);
    optimiserSection(page, optimisers);
    List<List<String>> rows = new ArrayList<>();
    List<Run> all = new ArrayList<>(List.of(one, stacked, relu));
    all.addAll(sweep.stream().filter(r -> r != one).toList());
    all.addAll(optimisers.subList(1, optimisers.size()));
    for (Run r : all) {
      Map<String, double[]> v = r.values();
      rows.add(row(r.label(), r.model().formula, String.valueOf(r.history().steps()),
          r.divergedAt() >= 0 ? "diverged at step " + r.divergedAt() : "finished",
          String.join(", ", v.keySet().stream().map(l -> l + " = " + num(v.get(l)[v.get(l).length - 1])).toList()),
          num(r.finalMse())));
      page.csv(r.id() + ".csv", r.label() + ": loss, parameters and gradients per step", csvColumns(r));
    }
    page.report().table("Every run", List.of("run", "model", "steps", "outcome", "final weights",
        "MSE over the data"), rows);
    Path report = page.write();

    List<String> summary = List.of(
        String.format(Locale.ROOT, "one neuron, SGD lr 1e-4: a = %s, b = %s after %d steps (target a = 2, b = 30)",
            num(one.finalValue("a")), num(one.finalValue("b")), one.history().steps()),
        String.format(Locale.ROOT,
            "stacked c(ax + b) + d: loss %s -> %s by step 3, not finite at step %d (first epoch)",
            num(stacked.history().stepLosses()[0]), num(stacked.history().stepLosses()[3]), stacked.divergedAt()),
        String.format(Locale.ROOT, "ReLU sandwich: the unit dies at step %d (a = %s); only d learns: d = %s", dies,
            num(relu.finalValue("a")), num(relu.finalValue("d"))),
        String.format(Locale.ROOT, "lr sweep: 1e-2 diverges at step %d; 1e-4 a = %s b = %s; 1e-5 a = %s b = %s",
            sweep.get(0).divergedAt(), num(sweep.get(1).finalValue("a")), num(sweep.get(1).finalValue("b")),
            num(sweep.get(2).finalValue("a")), num(sweep.get(2).finalValue("b"))),
        String.format(Locale.ROOT,
            "momentum 0.9: b = %s; RMSProp: b = %s; Adam: b = %s (lr 0.03 for both adaptive ones)",
            num(optimisers.get(1).finalValue("b")), num(optimisers.get(2).finalValue("b")),
            num(optimisers.get(3).finalValue("b"))));
    return new DemoResult(name(), report, summary, keys);
  }

  private void stackedSection(Pages page, Run stacked) throws IOException {
    Map<String, double[]> v = stacked.values();
    double[] losses = stacked.history().stepLosses();
    GradientHistory gh = GradientHistory.ofTotalNorms(totalNorms(stacked));
    page.report().paragraph("Two stacked linear neurons, c(ax + b) + d, compute a straight line just like one "
        + "neuron, but their gradients multiply each other: dL/da = 2(error) c x and dL/dc = 2(error)(ax + b). "
        + "A large step in a makes c's next gradient larger, and the other way round, so each step's overshoot feeds "
        + "the next. Starting from 1, the first row (x = " + num(xs()[0]) + ") moves a and c to " + num(v.get("a")[1])
        + " and " + num(v.get("c")[1]) + "; by step 3 the loss is " + num(losses[3]) + " and a = " + num(v.get("a")[3])
        + "; by step " + (losses.length - 1) + " it is " + num(losses[losses.length - 1]) + ", and at step "
        + stacked.divergedAt() + ", still in the first epoch of " + ROWS + " rows, the loss overflows and training "
        + "stops. The gradient-history check flags step " + gh.firstExplodingStep() + " as the first whose total "
        + "gradient norm exceeds 10 times the first steps' median (" + num(gh.baseline()) + "). The trainer said: "
        + stacked.error());
    // log10 on a linear axis: the orders of magnitude read off directly, and the steep climb shows as a line.
    page.report().plot("Stacked: weights per step, as log10 |value|", Charts.perStep(
        "Stacked linear neurons: log10 |a|, |b|, |c|, |d| per step", "log10 |value|", log10Abs(v), false));
    page.report().plot("Stacked: gradients and loss per step, as log10", Charts.perStep(
        "Stacked linear neurons: log10 |gradient| and log10 loss per step", "log10",
        withLoss(log10Abs(stacked.gradients()), Arrays.stream(losses).map(Math::log10).toArray()), false));
    Sequential net = Model.STACKED.build();
    Dataset d = data();
    Tensor loss = Losses.mse().compute(net.forward(d.inputs().slice(0, 0, 1).named("x")),
        d.targets().slice(0, 0, 1).named("y")).named("loss");
    loss.backward();
    page.graph("Stacked model, first row, all weights 1: every gradient", "stacked-graph", loss,
        DotOptions.defaults().withEdgeLabels(true));
  }

  private void reluSection(Pages page, Run relu, int dies) throws IOException {
    Map<String, double[]> v = relu.values();
    // The unit's gradient health at the end: the first layer (a, b) receives nothing.
    Sequential net = relu.net();
    net.zeroGrad();
    Dataset d = data();
    Tensor loss = Losses.mse().compute(net.forward(d.inputs()), d.targets()).named("loss");
    loss.backward();
    GradientHealth health = GradientHealth.ofParameters(List.of(net.parameters().get(0).tensor(),
        net.parameters().get(1).tensor(), net.parameters().get(2).tensor(), net.parameters().get(3).tensor()));
    page.report().paragraph("The ReLU sandwich c relu(ax + b) + d starts exactly like the stacked model, and its "
        + "third step (x = " + num(xs()[2]) + ") throws a to " + num(v.get("a")[3]) + " while b stays near "
        + num(v.get("b")[3]) + ". From then on ax + b is negative for every x in [1, 100], relu outputs 0 and passes "
        + "back a gradient of 0: a, b and c never receive a gradient again (the last non-zero one was at step "
        + (dies - 1) + "; from step " + dies + " on they are exactly 0). The unit is dead: the model is the constant "
        + "d, which creeps from 1 to " + num(relu.finalValue("d")) + " in " + relu.history().steps()
        + " steps towards the mean of y. Gradient health over all rows at the end: " + String.join("; ",
        health.flags().isEmpty() ? List.of("no flags") : health.flags()) + ".");
    page.report().plot("ReLU sandwich: weights per step", Charts.perStep("ReLU sandwich: a, b, c, d per step",
        "value", v, false));
    page.report().plot("ReLU sandwich: gradients per step", Charts.perStep(
        "ReLU sandwich: dL/da, dL/db, dL/dc, dL/dd per step", "gradient", relu.gradients(), false));
    page.graph("ReLU sandwich after training, all rows: relu passes back zeros, so a, b and c get gradient 0",
        "relu-graph", loss, DotOptions.defaults());
  }

  private void sweepSection(Pages page, List<Run> sweep) throws IOException {
    Run fast = sweep.get(0);
    Run mid = sweep.get(1);
    Run slow = sweep.get(2);
    page.report().paragraph("Learning-rate sweep on the one neuron ax + b. A step changes the prediction by about "
        + "lr x 2(x^2 + 1) x error; with x up to 100 that factor is about 2 at lr 1e-4 and 200 at lr 1e-2, so at 1e-2 "
        + "every large-x row overshoots by a factor of ~200 and the weights blow up until step " + fast.divergedAt()
        + " is not finite. At 1e-4 the slope a settles near 2 within the first epoch (a = " + num(mid.finalValue("a"))
        + " at the end) but the intercept b, whose gradient is x times smaller, has only reached "
        + num(mid.finalValue("b")) + " of 30 after " + mid.history().steps() + " steps; a leans a little above 2 to "
        + "make up for the missing intercept. At 1e-5 both are slower still: a = " + num(slow.finalValue("a"))
        + ", b = " + num(slow.finalValue("b")) + ". One learning rate cannot suit a and b at once: their gradients "
        + "differ by the size of x.");
    Map<String, double[]> loss = new LinkedHashMap<>();
    Map<String, double[]> steadyLoss = new LinkedHashMap<>();
    Map<String, double[]> b = new LinkedHashMap<>();
    for (Run r : sweep) {
      loss.put(r.label(), r.history().epochLosses());
      if (r.divergedAt() < 0) {
        // The diverged run reaches 1e152: on a shared axis it would flatten the others.
        steadyLoss.put(r.label(), r.history().epochLosses());
        b.put("b, " + r.label(), r.values().get("b"));
        b.put("a, " + r.label(), r.values().get("a"));
      }
    }
    page.report().plot("Sweep: loss per epoch", Charts.perIndex(
        "One neuron: mean loss per epoch by learning rate", "epoch", "mean loss over the epoch's 29 steps", loss,
        true));
    page.report().plot("Sweep: loss per epoch of the runs that did not diverge", Charts.perIndex(
        "One neuron: mean loss per epoch, the runs that did not diverge", "epoch",
        "mean loss over the epoch's 29 steps", steadyLoss, true));
    page.report().plot("Sweep: a and b per step", Charts.perStep(
        "One neuron: a and b per step (the runs that did not diverge)", "value", b, false));
  }

  private void optimiserSection(Pages page, List<Run> runs) throws IOException {
    Run plain = runs.get(0);
    Run momentum = runs.get(1);
    Run rms = runs.get(2);
    Run adam = runs.get(3);
    page.report().paragraph("Optimisers on the one neuron, same data and start. Momentum " + MOMENTUM + " at lr "
        + num(LEARNING_RATE) + " keeps adding up the consistent push on b that plain SGD takes in tiny steps, about "
        + "ten times the distance: b = " + num(momentum.finalValue("b")) + " (plain SGD: " + num(plain.finalValue("b"))
        + "), MSE " + num(momentum.finalMse()) + ". RMSProp and Adam divide each parameter's step by a running "
        + "root-mean-square of its own gradient, so a and b move at about the same speed however different their "
        + "gradients' sizes; their learning rate is a step size in the parameters' own units, here "
        + num(ADAPTIVE_LEARNING_RATE) + " (at 1e-4 they would need 300,000 steps to move b by 30). RMSProp ends at a = "
        + num(rms.finalValue("a")) + ", b = " + num(rms.finalValue("b")) + " (MSE " + num(rms.finalMse())
        + "); Adam, whose averaged steps keep their momentum through the row-to-row noise, at a = "
        + num(adam.finalValue("a")) + ", b = " + num(adam.finalValue("b")) + " (MSE " + num(adam.finalMse()) + ").");
    Map<String, double[]> loss = new LinkedHashMap<>();
    Map<String, double[]> b = new LinkedHashMap<>();
    Map<String, double[]> a = new LinkedHashMap<>();
    for (Run r : runs) {
      loss.put(r.label(), r.history().epochLosses());
      b.put(r.label(), r.values().get("b"));
      a.put(r.label(), r.values().get("a"));
    }
    page.report().plot("Optimisers: loss per epoch", Charts.perIndex(
        "One neuron: mean loss per epoch by optimiser", "epoch", "mean loss over the epoch's 29 steps", loss,
        true));
    page.report().plot("Optimisers: b per step", Charts.perStep(
        "One neuron: the intercept b per step (target 30)", "value", b, false));
    page.report().plot("Optimisers: a per step", Charts.perStep(
        "One neuron: the slope a per step (target 2)", "value", a, false));
  }

  private static double[] totalNorms(Run r) {
    Map<String, double[]> g = r.gradients();
    int n = g.get("a").length;
    double[] out = new double[n];
    for (int s = 0; s < n; s++) {
      double sum = 0;
      for (double[] series : g.values()) {
        sum += series[s] * series[s];
      }
      out[s] = Math.sqrt(sum);
    }
    return out;
  }

  private static Map<String, double[]> log10Abs(Map<String, double[]> series) {
    Map<String, double[]> out = new LinkedHashMap<>();
    series.forEach((k, v) -> out.put(k, Arrays.stream(v).map(d -> Math.log10(Math.abs(d))).toArray()));
    return out;
  }

  private static Map<String, double[]> withLoss(Map<String, double[]> gradients, double[] loss) {
    Map<String, double[]> out = new LinkedHashMap<>();
    gradients.forEach((k, v) -> out.put("dL/d" + k, v));
    out.put("loss", loss);
    return out;
  }

  private static Map<String, double[]> csvColumns(Run r) {
    Map<String, double[]> cols = new LinkedHashMap<>();
    cols.put("step", Pages.steps(r.history().steps() + 1));
    cols.put("loss", r.history().stepLosses());
    r.values().forEach((k, v) -> cols.put(k, v));
    r.gradients().forEach((k, v) -> cols.put("dL/d" + k, v));
    return cols;
  }
}
