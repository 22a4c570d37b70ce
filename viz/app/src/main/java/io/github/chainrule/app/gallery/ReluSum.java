package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Pages.num;
import static io.github.chainrule.app.gallery.Pages.row;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.optim.Sgd;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.plot.Chart;
import io.github.chainrule.viz.plot.Plots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seed 001's experiment as its notebook ran it: a wiggly target, y = cos(2x + 20x²) + 0.1·noise on
 * [0, 1], fitted by a sum of 1024 ReLUs h(x) = Σ wᵢ·relu(aᵢx + bᵢ), starting from aᵢ ∈ {−1, 1},
 * bᵢ ~ U(−1, 1), wᵢ ~ N(0, 1). The notebook's gradient is [da, db, dw] and its update is
 * (a, b, w) .-= α·grad: every step trains all three, on one training point drawn with replacement
 * ({@code rand(1:n)}), with α = 1e-4, for 10,000 steps and then 100,000 more; against the
 * closed-form linear regression.
 *
 * <p>Training a and b moves each unit's kink, at x = −bᵢ/aᵢ: the page plots where the kinks started
 * against where they ended. For comparison, and labelled as such, the same steps on the same draws
 * with a and b kept fixed (only w trained, the "random features" reading of the model), which
 * shows what moving the kinks buys.
 */
final class ReluSum implements Demo {
  static final int WIDTH = 1024;
  static final int POINTS = 256;
  static final double LEARNING_RATE = 1e-4;
  static final int FIRST_STEPS = 10_000;
  static final int MORE_STEPS = 100_000;
  static final int TOTAL_STEPS = FIRST_STEPS + MORE_STEPS;
  static final int RECORD_EVERY = 1000;
  static final long SEED = 2024;
  static final double NOISE = 0.1;

  @Override
  public String name() {
    return "relu-sum";
  }

  @Override
  public String title() {
    return "A sum of 1024 ReLUs, kinks and all trained, against linear regression on a wiggly curve";
  }

  /**
   * Everything drawn from the seed: data, starting a, b, w, and the training point of every step.
   *
   * @param samples the training point of each step: {@code rand(1:n)}, with replacement
   */
  record Setup(double[] trainX, double[] trainY, double[] testX, double[] testY, double[] a0, double[] b0, double[] w0,
      int[] samples) {}

  static Setup setup() {
    double[][] train = data(SEED, SEED + 1);
    double[][] test = data(SEED + 2, SEED + 3);
    SplittableRandom signs = new SplittableRandom(SEED + 4);
    double[] a = new double[WIDTH];
    for (int i = 0; i < WIDTH; i++) {
      a[i] = signs.nextBoolean() ? 1.0 : -1.0;
    }
    double[] b = RandomTensors.uniform(SEED + 5, -1, 1, WIDTH).toArray();
    double[] w = RandomTensors.randn(SEED + 6, WIDTH).toArray();
    SplittableRandom draws = new SplittableRandom(SEED + 7);
    int[] samples = new int[TOTAL_STEPS];
    for (int s = 0; s < TOTAL_STEPS; s++) {
      samples[s] = draws.nextInt(POINTS);
    }
    return new Setup(train[0], train[1], test[0], test[1], a, b, w, samples);
  }

  /** {x, y}: x ~ U(0, 1), y = cos(2x + 20x²) + 0.1·N(0, 1). */
  private static double[][] data(long xSeed, long noiseSeed) {
    try (var scope = Tensor.noGrad()) {
      Tensor x = RandomTensors.uniform(xSeed, 0, 1, POINTS);
      Tensor y = x.mul(2).add(x.square().mul(20)).cos().add(RandomTensors.randn(noiseSeed, POINTS).mul(NOISE));
      return new double[][] {x.toArray(), y.toArray()};
    }
  }

  /** The model: a, b and w, all trained. */
  static final class Units extends Module {
    final Tensor a;
    final Tensor b;
    final Tensor w;

    Units(double[] a0, double[] b0, double[] w0) {
      this.a = parameter("a", Tensor.of(a0, WIDTH));
      this.b = parameter("b", Tensor.of(b0, WIDTH));
      this.w = parameter("w", Tensor.of(w0, WIDTH));
    }

    /** h(x) for one point: the sum of w relu(a x + b). */
    Tensor at(double x) {
      return a.mul(x).add(b).relu().mul(w).sum();
    }

    /** h for each x of a column [n, 1]: relu(x aᵀ + b)·w, shape [n]. */
    @Override
    public Tensor forward(Tensor x) {
      return x.mul(a.reshape(1, WIDTH)).add(b.reshape(1, WIDTH)).relu().matmul(w);
    }
  }

  /** a, b and w at one moment of training. */
  record Snapshot(double[] a, double[] b, double[] w) {
    /** Each unit's kink, at x = −b/a. */
    double[] kinks() {
      double[] k = new double[a.length];
      for (int i = 0; i < k.length; i++) {
        k[i] = -b[i] / a[i];
      }
      return k;
    }

    double[] curve(double[] x) {
      try (var scope = Tensor.noGrad()) {
        return new Units(a, b, w).forward(Tensor.of(x, x.length, 1)).toArray();
      }
    }

    double mse(double[] x, double[] y) {
      double[] h = curve(x);
      double sum = 0;
      for (int i = 0; i < h.length; i++) {
        sum += (h[i] - y[i]) * (h[i] - y[i]);
      }
      return sum / h.length;
    }
  }

  /** Closed-form least squares y ≈ α + βx and its MSE on both sets. */
  record Linear(double intercept, double slope, double trainMse, double testMse) {}

  static Linear linearRegression(Setup s) {
    try (var scope = Tensor.noGrad()) {
      Tensor design = Tensor.concat(1, Tensor.ones(POINTS, 1), Tensor.of(s.trainX(), POINTS, 1));
      Tensor xtx = design.transpose().matmul(design);
      Tensor xty = design.transpose().matmul(Tensor.of(s.trainY(), POINTS));
      // The normal equations (XᵀX)θ = Xᵀy for two unknowns, solved by the 2×2 inverse.
      double p = xtx.get(0, 0);
      double q = xtx.get(0, 1);
      double r = xtx.get(1, 1);
      double det = p * r - q * q;
      double intercept = (r * xty.get(0) - q * xty.get(1)) / det;
      double slope = (p * xty.get(1) - q * xty.get(0)) / det;
      return new Linear(intercept, slope, lineMse(s.trainX(), s.trainY(), intercept, slope),
          lineMse(s.testX(), s.testY(), intercept, slope));
    }
  }

  private static double lineMse(double[] x, double[] y, double intercept, double slope) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double e = intercept + slope * x[i] - y[i];
      sum += e * e;
    }
    return sum / x.length;
  }

  /** Train and test MSE every {@link #RECORD_EVERY} steps, and a, b, w at 0, 10k and 110k steps. */
  record Training(double[] steps, double[] trainMse, double[] testMse, Snapshot start, Snapshot at10k, Snapshot end) {
    double trainAt(int step) {
      return trainMse[step / RECORD_EVERY];
    }

    double testAt(int step) {
      return testMse[step / RECORD_EVERY];
    }
  }

  /** The notebook's run: a, b and w trained by SGD on one point a step, drawn with replacement. */
  static Training train(Setup s, ProgressSink progress) {
    Units model = new Units(s.a0(), s.b0(), s.w0());
    Sgd sgd = Sgd.of(model, LEARNING_RATE);
    return record(s, progress, () -> new Snapshot(model.a.toArray(), model.b.toArray(), model.w.toArray()),
        (from, to) -> {
          for (int step = from; step < to; step++) {
            int i = s.samples()[step];
            sgd.zeroGrad();
            Tensor loss = model.at(s.trainX()[i]).sub(s.trainY()[i]).square();
            // Only the parameters' gradients are needed: intermediates let theirs go, as nn's Trainer does.
            Backward.from(loss).keepIntermediateGrads(false).run();
            sgd.step();
          }
        });
  }

  /**
   * The comparison: the same draws and steps with a and b fixed, so only w trains. The features
   * relu(a x + b) then never change, so each point's are computed once and a step is a dot product.
   */
  static Training trainOutputWeightsOnly(Setup s) {
    OutputWeights model = new OutputWeights(s.w0());
    Tensor w = model.w;
    Sgd sgd = Sgd.of(model, LEARNING_RATE);
    List<Tensor> features = new ArrayList<>(POINTS);
    try (var scope = Tensor.noGrad()) {
      Tensor a = Tensor.of(s.a0(), WIDTH);
      Tensor b = Tensor.of(s.b0(), WIDTH);
      for (int i = 0; i < POINTS; i++) {
        features.add(a.mul(s.trainX()[i]).add(b).relu());
      }
    }
    return record(s, ProgressSink.NONE, () -> new Snapshot(s.a0().clone(), s.b0().clone(), w.toArray()),
        (from, to) -> {
          for (int step = from; step < to; step++) {
            int i = s.samples()[step];
            sgd.zeroGrad();
            Tensor loss = features.get(i).mul(w).sum().sub(s.trainY()[i]).square();
            Backward.from(loss).keepIntermediateGrads(false).run();
            sgd.step();
          }
        });
  }

  /** The comparison's trainable part: the output weights alone. */
  static final class OutputWeights extends Module {
    final Tensor w;

    OutputWeights(double[] w0) {
      this.w = parameter("w", Tensor.of(w0, WIDTH));
    }

    @Override
    public Tensor forward(Tensor features) {
      return features.matmul(w);
    }
  }

  /** Steps {@code from} to {@code to} (exclusive). */
  private interface Steps {
    void run(int from, int to);
  }

  /**
   * Runs the steps in blocks of {@link #RECORD_EVERY}, measuring both MSEs between blocks. The steps
   * run in a method of their own with no rarely taken branch: when a branch the JIT has never seen
   * taken (a snapshot at step 10,000) sits inside the hot loop, taking it throws the compiled loop
   * away and the steps run interpreted for a while, measured at 15 to 40 times slower.
   */
  private static Training record(Setup s, ProgressSink progress, java.util.function.Supplier<Snapshot> now,
      Steps steps) {
    int records = TOTAL_STEPS / RECORD_EVERY + 1;
    double[] at = new double[records];
    double[] train = new double[records];
    double[] test = new double[records];
    Snapshot start = null;
    Snapshot at10k = null;
    Snapshot end = null;
    for (int k = 0; k < records; k++) {
      int step = k * RECORD_EVERY;
      Snapshot snap = now.get();
      at[k] = step;
      train[k] = snap.mse(s.trainX(), s.trainY());
      test[k] = snap.mse(s.testX(), s.testY());
      start = step == 0 ? snap : start;
      at10k = step == FIRST_STEPS ? snap : at10k;
      end = snap;
      progress.done(step, TOTAL_STEPS);
      if (k + 1 < records) {
        steps.run(step, step + RECORD_EVERY);
      }
    }
    return new Training(at, train, test, start, at10k, end);
  }

  /** How far the kinks moved: counts and distances over all units. */
  record KinkMoves(int insideAtStart, int insideAtEnd, double meanMove, double largestMove, int signFlips) {}

  static KinkMoves kinkMoves(Snapshot start, Snapshot end) {
    double[] k0 = start.kinks();
    double[] k1 = end.kinks();
    int in0 = 0;
    int in1 = 0;
    int flips = 0;
    double sum = 0;
    double largest = 0;
    for (int i = 0; i < k0.length; i++) {
      in0 += k0[i] >= 0 && k0[i] <= 1 ? 1 : 0;
      in1 += k1[i] >= 0 && k1[i] <= 1 ? 1 : 0;
      flips += Math.signum(start.a()[i]) != Math.signum(end.a()[i]) ? 1 : 0;
      double move = Math.abs(k1[i] - k0[i]);
      sum += move;
      largest = Math.max(largest, move);
    }
    return new KinkMoves(in0, in1, sum / k0.length, largest, flips);
  }

  @Override
  public DemoResult run(Path outDir) throws IOException {
    return run(outDir, ProgressSink.NONE);
  }

  @Override
  public DemoResult run(Path outDir, ProgressSink progress) throws IOException {
    Setup s = setup();
    Linear lin = linearRegression(s);
    Training t = train(s, progress);
    Training fixed = trainOutputWeightsOnly(s);
    KinkMoves moves = kinkMoves(t.start(), t.end());
    int end = TOTAL_STEPS;
    Map<String, Double> keys = new LinkedHashMap<>();
    keys.put("linear train mse", lin.trainMse());
    keys.put("linear test mse", lin.testMse());
    keys.put("init train mse", t.trainAt(0));
    keys.put("init test mse", t.testAt(0));
    keys.put("10k train mse", t.trainAt(FIRST_STEPS));
    keys.put("10k test mse", t.testAt(FIRST_STEPS));
    keys.put("110k train mse", t.trainAt(end));
    keys.put("110k test mse", t.testAt(end));
    keys.put("kinks in [0, 1] at start", (double) moves.insideAtStart());
    keys.put("kinks in [0, 1] at end", (double) moves.insideAtEnd());
    keys.put("mean kink move", moves.meanMove());
    keys.put("largest kink move", moves.largestMove());
    keys.put("w only: 110k train mse", fixed.trainAt(end));
    keys.put("w only: 110k test mse", fixed.testAt(end));

    Pages page = new Pages(outDir, "relu-sum: 1024 ReLUs, kinks trained, against linear regression");
    page.report().paragraph(reading(lin, t, fixed, moves));
    page.report().table("Mean squared error", List.of("model", "train MSE", "test MSE"), List.of(
        row("linear regression, closed form: y = " + num(lin.intercept()) + " + " + num(lin.slope()) + " x",
            num(lin.trainMse()), num(lin.testMse())),
        row("ReLU sum at initialisation", num(t.trainAt(0)), num(t.testAt(0))),
        row("ReLU sum after 10,000 SGD steps on a, b and w", num(t.trainAt(FIRST_STEPS)), num(t.testAt(FIRST_STEPS))),
        row("ReLU sum after 110,000 SGD steps on a, b and w", num(t.trainAt(end)), num(t.testAt(end))),
        row("comparison: 110,000 steps on w alone, a and b fixed", num(fixed.trainAt(end)), num(fixed.testAt(end)))));
    double[] gridX = new double[400];
    for (int i = 0; i < gridX.length; i++) {
      gridX[i] = i / (gridX.length - 1.0);
    }
    page.report().plot("At initialisation", Plots.dataVsPrediction("ReLU sum at initialisation (w ~ N(0, 1))",
        s.trainX(), s.trainY(), gridX, t.start().curve(gridX)));
    page.report().plot("After 10,000 steps", Plots.dataVsPrediction("ReLU sum after 10,000 SGD steps",
        s.trainX(), s.trainY(), gridX, t.at10k().curve(gridX)));
    page.report().plot("After 110,000 steps", Plots.dataVsPrediction("ReLU sum after 110,000 SGD steps",
        s.trainX(), s.trainY(), gridX, t.end().curve(gridX)));
    page.report().plot("Linear regression", Plots.dataVsPrediction("Linear regression, closed form",
        s.trainX(), s.trainY(), gridX, Arrays.stream(gridX).map(x -> lin.intercept() + lin.slope() * x)
            .toArray()));
    page.report().plot("Where the kinks started and where they ended", kinkChart(t));
    double[] flatTrain = new double[t.steps().length];
    double[] flatTest = new double[t.steps().length];
    Arrays.fill(flatTrain, lin.trainMse());
    Arrays.fill(flatTest, lin.testMse());
    page.report().plot("MSE during training", Charts.lines("Train and test MSE every 1,000 steps", "step",
        "MSE (log scale)", t.steps(), Pages.series("train", t.trainMse(), "test", t.testMse(),
            "w only (a, b fixed), train", fixed.trainMse(), "linear regression, train", flatTrain,
            "linear regression, test", flatTest), true));
    // The first record (step 0) is hundreds of times the rest: from the next one on, the result shows.
    int n = t.steps().length;
    page.report().plot("MSE from step 1,000 on", Charts.lines("Train and test MSE from step 1,000 on", "step", "MSE",
        Arrays.copyOfRange(t.steps(), 1, n), Pages.series("train", Arrays.copyOfRange(t.trainMse(), 1, n), "test",
            Arrays.copyOfRange(t.testMse(), 1, n), "w only (a, b fixed), train",
            Arrays.copyOfRange(fixed.trainMse(), 1, n), "linear regression, train", Arrays.copyOfRange(flatTrain, 1, n),
            "linear regression, test", Arrays.copyOfRange(flatTest, 1, n)), false));
    page.graph("One SGD step's graph: the error of one training point", "step-graph", stepGraph(s, t.end()),
        DotOptions.defaults().withValueLimit(4));
    page.csv("mse.csv", "train and test MSE every 1,000 steps, and the same with w alone trained",
        Pages.series("step", t.steps(), "train_mse", t.trainMse(), "test_mse", t.testMse(),
            "w_only_train_mse", fixed.trainMse(), "w_only_test_mse", fixed.testMse()));
    page.csv("kinks.csv", "each unit's a, b, w and kink -b/a at the start and after 110,000 steps",
        Pages.series("a_start", t.start().a(), "b_start", t.start().b(), "w_start", t.start().w(),
            "kink_start", t.start().kinks(), "a_end", t.end().a(), "b_end", t.end().b(), "w_end", t.end().w(),
            "kink_end", t.end().kinks()));
    page.csv("data.csv", "the training and test points", Pages.series("train_x", s.trainX(), "train_y", s.trainY(),
        "test_x", s.testX(), "test_y", s.testY()));
    Path report = page.write();
    List<String> summary = List.of(
        String.format(Locale.ROOT,
            "linear regression: train MSE %s, test MSE %s", num(lin.trainMse()), num(lin.testMse())),
        String.format(Locale.ROOT,
            "ReLU sum (d = 1024; a, b, w trained), train / test MSE: init %s / %s; 10k steps %s / %s; 110k steps %s / %s",
            num(t.trainAt(0)), num(t.testAt(0)), num(t.trainAt(FIRST_STEPS)), num(t.testAt(FIRST_STEPS)),
            num(t.trainAt(end)), num(t.testAt(end))),
        String.format(Locale.ROOT, "kinks -b/a moved by %s on average (at most %s); %d of 1024 in [0, 1] at the start, "
            + "%d at the end; w alone (a, b fixed) reaches %s / %s", num(moves.meanMove()), num(moves.largestMove()),
            moves.insideAtStart(), moves.insideAtEnd(), num(fixed.trainAt(end)), num(fixed.testAt(end))));
    return new DemoResult(name(), report, summary, keys);
  }

  /**
   * Each unit's kink −b/a where it started (x) and how far training moved it (y), so it ended at
   * x + y: moves of a tenth are invisible on a plot of end against start, whose points hug the diagonal.
   */
  private static Chart kinkChart(Training t) {
    double[] k0 = t.start().kinks();
    double[] k1 = t.end().kinks();
    double[] moved = new double[k0.length];
    for (int i = 0; i < k0.length; i++) {
      moved[i] = k1[i] - k0[i];
    }
    Chart chart = new Chart("Kink of each unit, x = -b/a: where it started, and how far 110,000 steps moved it",
        "kink at the start", "kink after training minus kink at the start");
    double lo = Math.min(-1, Arrays.stream(k0).min().orElse(-1));
    double hi = Math.max(1, Arrays.stream(k0).max().orElse(1));
    chart.line("did not move", new double[] {lo, hi}, new double[] {0, 0}).dashed();
    chart.points("units", k0, moved);
    return chart;
  }

  /** The graph one training step records, at the final a, b, w, on the first training point. */
  private static Tensor stepGraph(Setup s, Snapshot end) {
    Tensor a = Tensor.of(end.a(), WIDTH).named("a").requiresGrad();
    Tensor b = Tensor.of(end.b(), WIDTH).named("b").requiresGrad();
    Tensor w = Tensor.of(end.w(), WIDTH).named("w").requiresGrad();
    Tensor h = a.mul(s.trainX()[0]).named("a x").add(b).named("a x + b").relu().named("relu(a x + b)").mul(w)
        .named("w relu(a x + b)").sum().named("h(x)");
    Tensor loss = h.sub(Tensor.scalar(s.trainY()[0]).named("y")).named("error").square().named("loss");
    loss.backward();
    return loss;
  }

  private static String reading(Linear lin, Training t, Training fixed, KinkMoves moves) {
    int end = TOTAL_STEPS;
    return "The target y = cos(2x + 20x^2) wiggles faster and faster as x grows; 256 training points and 256 test points "
        + "have x uniform in [0, 1] and noise of standard deviation 0.1 (so an MSE of about 0.01 is the floor). A straight "
        + "line cannot follow it: closed-form linear regression reaches train MSE " + num(lin.trainMse())
        + " and test MSE " + num(lin.testMse()) + ", about the variance of y. The ReLU sum h(x) = sum of w_i relu(a_i x "
        + "+ b_i) over 1024 units starts with a_i = +1 or -1, b_i uniform in [-1, 1] and w_i standard normal, far off "
        + "(train MSE " + num(t.trainAt(0)) + "): 1024 random weights add up to a curve of size about 30. As in the "
        + "notebook, each SGD step draws one training point with replacement and updates a, b and w together "
        + "(learning rate 1e-4). After " + String.format(Locale.ROOT, "%,d", FIRST_STEPS) + " steps the MSE is "
        + num(t.trainAt(FIRST_STEPS)) + " on train and " + num(t.testAt(FIRST_STEPS)) + " on test; after "
        + String.format(Locale.ROOT, "%,d", end) + " it is " + num(t.trainAt(end)) + " and " + num(t.testAt(end))
        + ". Each unit is a hinge with its kink at x = -b_i/a_i, and a and b decide where: training them moves the "
        + "kinks, by " + num(moves.meanMove()) + " on average and by up to " + num(moves.largestMove()) + " (" + moves.insideAtStart()
        + " of the 1024 kinks lay in [0, 1] at the start, " + moves.insideAtEnd() + " at the end"
        + (moves.signFlips() > 0 ? "; " + moves.signFlips() + " units' a changed sign" : "") + "). The kink plot shows "
        + "where each unit's kink started and how far it moved; the data lie in [0, 1], and a unit whose hinge is "
        + "shut over all of them gets no gradient, so its kink stays put. "
        + "For comparison, the same draws with a and b fixed, only w trained (the random-features reading of the "
        + "model), end at train MSE " + num(fixed.trainAt(end)) + " and test MSE " + num(fixed.testAt(end)) + ". "
        + "The fast wiggles on the right need large, opposite weights on hinges close together, and SGD with learning "
        + "rate 1e-4 gets there slowly. Test MSE staying close to train MSE says the sum is not yet fitting the noise.";
  }
}
