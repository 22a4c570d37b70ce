package io.github.chainrule.viz.gallery;

import io.github.chainrule.nn.init.RandomTensors;
import static io.github.chainrule.viz.gallery.Pages.num;
import static io.github.chainrule.viz.gallery.Pages.row;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.data.Batches;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.optim.Sgd;
import io.github.chainrule.viz.dot.DotOptions;
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
 * A wiggly target, y = cos(2x + 20x²) + 0.1·noise on [0, 1], fitted by a sum of 1024 random ReLU
 * features h(x) = Σ wᵢ·relu(aᵢx + bᵢ), aᵢ ∈ {−1, 1}, bᵢ ~ U(−1, 1), wᵢ ~ N(0, 1), trained by
 * SGD with batch 1 and α = 1e-4 for 10,000 steps and then 100,000 more, against the closed-form
 * linear regression.
 *
 * <p>The features aᵢ, bᵢ stay fixed and SGD trains the output weights w (the random-features reading
 * of the model: aᵢ ∈ {−1, 1} is a constraint that training would break). So each input's 1024
 * feature values are computed once, under no-grad, and a step records only row·w, the error and
 * its square: about 3 µs a step once the JIT has compiled it (measured on 2 cores, JDK 17 and 25).
 */
final class ReluSum implements Demo {
  static final int WIDTH = 1024;
  static final int POINTS = 256;
  static final double LEARNING_RATE = 1e-4;
  static final int FIRST_STEPS = 10_000;
  static final int MORE_STEPS = 100_000;
  static final int RECORD_EVERY = 1000;
  static final long SEED = 2024;
  static final double NOISE = 0.1;

  @Override
  public String name() {
    return "relu-sum";
  }

  @Override
  public String title() {
    return "A sum of 1024 random ReLUs against linear regression on a wiggly curve";
  }

  /** Everything drawn from the seed: data, features and the starting weights. */
  record Setup(double[] trainX, double[] trainY, double[] testX, double[] testY, double[] a, double[] b, double[] w0) {
    /** The sample order of epoch {@code epoch} (each epoch a fresh seeded shuffle of the 256 training points). */
    int[] order(int epoch) {
      return ORDER.order(epoch);
    }

    private static final Batches ORDER = Dataset.of(new double[POINTS][1], new double[POINTS]).batches(1)
        .shuffle(SEED + 7);
  }

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
    return new Setup(train[0], train[1], test[0], test[1], a, b, w);
  }

  /** {x, y}: x ~ U(0, 1), y = cos(2x + 20x²) + 0.1·N(0, 1). */
  private static double[][] data(long xSeed, long noiseSeed) {
    try (var scope = Tensor.noGrad()) {
      Tensor x = RandomTensors.uniform(xSeed, 0, 1, POINTS);
      Tensor y = x.mul(2).add(x.square().mul(20)).cos().add(RandomTensors.randn(noiseSeed, POINTS).mul(NOISE));
      return new double[][] {x.toArray(), y.toArray()};
    }
  }

  /** relu(x·aᵀ + b): one row of 1024 feature values per input, [n, 1024]. */
  static Tensor features(double[] x, Setup s) {
    try (var scope = Tensor.noGrad()) {
      return Tensor.of(x, x.length, 1).mul(Tensor.of(s.a(), 1, WIDTH)).add(Tensor.of(s.b(), 1, WIDTH)).relu();
    }
  }

  /** The trainable part: the output weights over fixed features. */
  static final class OutputWeights extends Module {
    final Tensor w;

    OutputWeights(double[] w0) {
      this.w = parameter("w", Tensor.of(w0, WIDTH));
    }

    /** h for each row of features [n, 1024]: features·w, shape [n]. */
    @Override
    public Tensor forward(Tensor features) {
      return features.matmul(w).named("h");
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
      return new Linear(intercept, slope, mse(line(s.trainX(), intercept, slope), s.trainY()),
          mse(line(s.testX(), intercept, slope), s.testY()));
    }
  }

  private static Tensor line(double[] x, double intercept, double slope) {
    return Tensor.of(x, x.length).mul(slope).add(intercept);
  }

  private static double mse(Tensor prediction, double[] y) {
    return prediction.sub(Tensor.of(y, y.length)).square().mean().item();
  }

  /** Train and test MSE every {@link #RECORD_EVERY} steps, and the weights at 0, 10k and 110k steps. */
  record Training(double[] steps, double[] trainMse, double[] testMse, double[] w0, double[] w10k, double[] w110k) {
    double trainAt(int step) {
      return trainMse[step / RECORD_EVERY];
    }

    double testAt(int step) {
      return testMse[step / RECORD_EVERY];
    }
  }

  static Training train(Setup s) {
    return train(s, ProgressSink.NONE);
  }

  static Training train(Setup s, ProgressSink progress) {
    Tensor trainFeatures = features(s.trainX(), s);
    Tensor testFeatures = features(s.testX(), s);
    // One [1024] tensor per training input and one scalar target, made once and reused by every step.
    List<Tensor> rows = new ArrayList<>(POINTS);
    List<Tensor> targets = new ArrayList<>(POINTS);
    for (int i = 0; i < POINTS; i++) {
      rows.add(trainFeatures.index(0, i).reshape(WIDTH).named("relu(a x + b)"));
      targets.add(Tensor.scalar(s.trainY()[i]).named("y"));
    }
    OutputWeights model = new OutputWeights(s.w0());
    Sgd sgd = Sgd.of(model, LEARNING_RATE);
    int total = FIRST_STEPS + MORE_STEPS;
    int records = total / RECORD_EVERY + 1;
    double[] steps = new double[records];
    double[] train = new double[records];
    double[] test = new double[records];
    double[] w10k = null;
    for (int k = 0; k < records; k++) {
      int step = k * RECORD_EVERY;
      steps[k] = step;
      train[k] = evaluate(model, trainFeatures, s.trainY());
      test[k] = evaluate(model, testFeatures, s.testY());
      if (step == FIRST_STEPS) {
        w10k = model.w.toArray();
      }
      progress.done(step, total);
      if (k + 1 < records) {
        sgdSteps(s, model, sgd, rows, targets, step, step + RECORD_EVERY);
      }
    }
    return new Training(steps, train, test, s.w0().clone(), w10k, model.w.toArray());
  }

  /**
   * Steps {@code from} to {@code to} (exclusive). A method of its own with no rarely taken branch:
   * when a branch the JIT has never seen taken (a snapshot at step 10,000) sits inside the hot loop,
   * taking it throws the compiled loop away and the steps run interpreted for a while, measured at
   * 15 to 40 times slower.
   */
  private static void sgdSteps(Setup s, OutputWeights model, Sgd sgd, List<Tensor> rows, List<Tensor> targets,
      int from, int to) {
    int[] order = s.order(from / POINTS);
    for (int step = from; step < to; step++) {
      if (step % POINTS == 0) {
        order = s.order(step / POINTS);
      }
      int i = order[step % POINTS];
      sgd.zeroGrad();
      Tensor error = rows.get(i).mul(model.w).sum().sub(targets.get(i));
      // Only w's gradient is needed: intermediates let theirs go, as nn's Trainer does.
      Backward.from(error.square()).keepIntermediateGrads(false).run();
      sgd.step();
    }
  }

  private static double evaluate(OutputWeights model, Tensor features, double[] y) {
    try (var scope = Tensor.noGrad()) {
      return mse(model.forward(features), y);
    }
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
    int end = FIRST_STEPS + MORE_STEPS;
    Map<String, Double> keys = new LinkedHashMap<>();
    keys.put("linear train mse", lin.trainMse());
    keys.put("linear test mse", lin.testMse());
    keys.put("init train mse", t.trainAt(0));
    keys.put("init test mse", t.testAt(0));
    keys.put("10k train mse", t.trainAt(FIRST_STEPS));
    keys.put("10k test mse", t.testAt(FIRST_STEPS));
    keys.put("110k train mse", t.trainAt(end));
    keys.put("110k test mse", t.testAt(end));

    Pages page = new Pages(outDir, "relu-sum: 1024 random ReLUs against linear regression");
    page.report().paragraph(reading(lin, t));
    page.report().table("Mean squared error", List.of("model", "train MSE", "test MSE"), List.of(
        row("linear regression, closed form: y = " + num(lin.intercept()) + " + " + num(lin.slope()) + " x",
            num(lin.trainMse()), num(lin.testMse())),
        row("ReLU sum at initialisation", num(t.trainAt(0)), num(t.testAt(0))),
        row("ReLU sum after 10,000 SGD steps", num(t.trainAt(FIRST_STEPS)), num(t.testAt(FIRST_STEPS))),
        row("ReLU sum after 110,000 SGD steps", num(t.trainAt(end)), num(t.testAt(end)))));
    double[] gridX = new double[400];
    for (int i = 0; i < gridX.length; i++) {
      gridX[i] = i / (gridX.length - 1.0);
    }
    Tensor gridFeatures = features(gridX, s);
    page.report().plot("At initialisation", Plots.dataVsPrediction("ReLU sum at initialisation (w ~ N(0, 1))",
        s.trainX(), s.trainY(), gridX, curve(gridFeatures, t.w0())));
    page.report().plot("After 10,000 steps", Plots.dataVsPrediction("ReLU sum after 10,000 SGD steps",
        s.trainX(), s.trainY(), gridX, curve(gridFeatures, t.w10k())));
    page.report().plot("After 110,000 steps", Plots.dataVsPrediction("ReLU sum after 110,000 SGD steps",
        s.trainX(), s.trainY(), gridX, curve(gridFeatures, t.w110k())));
    page.report().plot("Linear regression", Plots.dataVsPrediction("Linear regression, closed form",
        s.trainX(), s.trainY(), gridX, Arrays.stream(gridX).map(x -> lin.intercept() + lin.slope() * x)
            .toArray()));
    double[] flatTrain = new double[t.steps().length];
    double[] flatTest = new double[t.steps().length];
    Arrays.fill(flatTrain, lin.trainMse());
    Arrays.fill(flatTest, lin.testMse());
    page.report().plot("MSE during training", Charts.lines("Train and test MSE every 1,000 steps", "step",
        "MSE (log scale)", t.steps(), Pages.series("train", t.trainMse(), "test", t.testMse(),
            "linear regression, train", flatTrain, "linear regression, test", flatTest), true));
    page.graph("One SGD step's graph: the error of one training point", "step-graph", stepGraph(s, t),
        DotOptions.defaults().withValueLimit(4));
    page.csv("mse.csv", "train and test MSE every 1,000 steps", Pages.series("step", t.steps(), "train_mse",
        t.trainMse(), "test_mse", t.testMse()));
    page.csv("data.csv", "the training and test points", Pages.series("train_x", s.trainX(), "train_y", s.trainY(),
        "test_x", s.testX(), "test_y", s.testY()));
    Path report = page.write();
    List<String> summary = List.of(
        String.format(Locale.ROOT,
            "linear regression: train MSE %s, test MSE %s", num(lin.trainMse()), num(lin.testMse())),
        String.format(Locale.ROOT,
            "ReLU sum (d = 1024), train / test MSE: init %s / %s; 10k steps %s / %s; 110k steps %s / %s",
            num(t.trainAt(0)), num(t.testAt(0)), num(t.trainAt(FIRST_STEPS)), num(t.testAt(FIRST_STEPS)),
            num(t.trainAt(end)), num(t.testAt(end))));
    return new DemoResult(name(), report, summary, keys);
  }

  private static double[] curve(Tensor gridFeatures, double[] w) {
    try (var scope = Tensor.noGrad()) {
      return gridFeatures.matmul(Tensor.of(w, WIDTH)).toArray();
    }
  }

  /** The graph one training step records, at the final weights, on the first training point. */
  private static Tensor stepGraph(Setup s, Training t) {
    Tensor row = features(new double[] {s.trainX()[0]}, s).reshape(WIDTH).named("relu(a x + b)");
    Tensor w = Tensor.of(t.w110k(), WIDTH).named("w").requiresGrad();
    Tensor h = row.mul(w).named("w relu(a x + b)").sum().named("h(x)");
    Tensor loss = h.sub(Tensor.scalar(s.trainY()[0]).named("y")).named("error").square().named("loss");
    loss.backward();
    return loss;
  }

  private static String reading(Linear lin, Training t) {
    int end = FIRST_STEPS + MORE_STEPS;
    return "The target y = cos(2x + 20x^2) wiggles faster and faster as x grows; 256 training points and 256 test points "
        + "have x uniform in [0, 1] and noise of standard deviation 0.1 (so an MSE of about 0.01 is the floor). A straight "
        + "line cannot follow it: closed-form linear regression reaches train MSE " + num(lin.trainMse())
        + " and test MSE " + num(lin.testMse()) + ", about the variance of y. The ReLU sum h(x) = sum of w_i relu(a_i x "
        + "+ b_i) over 1024 units, with a_i = +1 or -1, b_i uniform in [-1, 1] and w_i standard normal, starts far off "
        + "(train MSE " + num(t.trainAt(0)) + "): 1024 random weights add up to a curve of size about 30. The a_i and b_i "
        + "stay fixed, each unit a hinge at x = -b_i/a_i, and SGD (one point per step, learning rate 1e-4, a fresh "
        + "shuffle each pass) trains the 1024 output weights. After " + String.format(Locale.ROOT,
            "%,d", FIRST_STEPS) + " steps the "
        + "MSE is " + num(t.trainAt(FIRST_STEPS)) + " on train and " + num(t.testAt(FIRST_STEPS)) + " on test; after "
        + String.format(Locale.ROOT, "%,d", end) + " it is " + num(t.trainAt(end)) + " and " + num(t.testAt(end))
        + ", below the line's. The hinges can bend the curve anywhere in [0, 1] (with a_i = +1 or -1 the kinks "
        + "sit at -b_i/a_i, about half of them inside [0, 1]), so the sum can follow wiggles a straight line cannot; the plots show it taking the slow wiggles on "
        + "the left first. The fast wiggles on the right need large, opposite weights on hinges close together, and "
        + "SGD with learning rate 1e-4 gets there slowly: 100,000 more steps buy " + num(t.trainAt(FIRST_STEPS)
            - t.trainAt(end)) + " of train MSE. Test MSE staying close to train MSE says the sum is not yet fitting the "
        + "noise.";
  }
}
