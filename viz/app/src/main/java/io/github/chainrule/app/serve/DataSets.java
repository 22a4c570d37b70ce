package io.github.chainrule.app.serve;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.nn.data.Dataset;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trainer's data: the seeds' curves, the classic 2-D sets, and uploaded CSV text. Every set is
 * drawn from a fixed seed, so a setup in the URL always means the same points.
 */
final class DataSets {
  /** Names the page offers, in its order. */
  static final List<String> NAMES = List.of("xor", "circles", "moons", "spiral", "parabola", "wiggle", "line",
      "heaton-row", "csv");

  private static final int POINTS_2D = 200;
  private static final int TEST_2D = 100;

  /** A training set, and a test set or null. */
  record Split(Dataset train, Dataset test, String description) {
    int inputs() {
      return train.inputs().shapeRef()[1];
    }

    int outputs() {
      return train.targets().shapeRef()[1];
    }
  }

  private DataSets() {}

  static Split named(String name, String csv, Limits limits) {
    return switch (name) {
      case "xor" -> new Split(Dataset.of(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new double[] {0, 1, 1, 0}),
          null, "the four XOR rows");
      case "circles" -> twoD("circles", 1, DataSets::circle);
      case "moons" -> twoD("moons", 2, DataSets::moon);
      case "spiral" -> twoD("spiral", 3, DataSets::spiral);
      case "parabola" -> parabola();
      case "wiggle" -> wiggle();
      case "line" -> line();
      case "heaton-row" -> new Split(Dataset.of(new double[][] {{1, 0}}, new double[] {1}), null,
          "Heaton's one row: inputs (1, 0), target 1");
      case "csv" -> csv(csv, limits);
      default -> throw ApiError.badRequest("sessions: no data set '" + name + "' (choose one of "
          + String.join(", ", NAMES) + ")");
    };
  }

  /** A point of a 2-D set: x, y and its class, from {@code rng} for point {@code i} of {@code n}. */
  private interface Generator {
    double[] point(SplittableRandom rng, int i, int n);
  }

  private static Split twoD(String name, long seed, Generator g) {
    return new Split(points(g, new SplittableRandom(seed), POINTS_2D), points(g, new SplittableRandom(seed + 100), TEST_2D),
        name + ": " + POINTS_2D + " training and " + TEST_2D + " test points, classes 0 and 1");
  }

  private static Dataset points(Generator g, SplittableRandom rng, int n) {
    double[][] in = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double[] p = g.point(rng, i, n);
      in[i] = new double[] {p[0], p[1]};
      y[i] = p[2];
    }
    return Dataset.of(in, y);
  }

  private static double[] circle(SplittableRandom rng, int i, int n) {
    boolean inner = i % 2 == 0;
    double r = inner ? rng.nextDouble(0, 0.5) : rng.nextDouble(0.7, 1.0);
    double a = rng.nextDouble(0, 2 * Math.PI);
    return new double[] {r * Math.cos(a), r * Math.sin(a), inner ? 1 : 0};
  }

  private static double[] moon(SplittableRandom rng, int i, int n) {
    boolean upper = i % 2 == 0;
    double a = rng.nextDouble(0, Math.PI);
    double x = upper ? Math.cos(a) : 1 - Math.cos(a);
    double y = upper ? Math.sin(a) : 0.5 - Math.sin(a);
    return new double[] {(x - 0.5) / 1.2 + rng.nextGaussian() * 0.08, (y - 0.25) / 1.2 + rng.nextGaussian() * 0.08,
        upper ? 1 : 0};
  }

  private static double[] spiral(SplittableRandom rng, int i, int n) {
    int arm = i % 2;
    double t = (double) (i / 2) / (n / 2) * 1.75 * Math.PI + 0.3;
    double r = t / (2 * Math.PI) * 0.9;
    double a = t + arm * Math.PI;
    return new double[] {r * Math.cos(a) + rng.nextGaussian() * 0.03, r * Math.sin(a) + rng.nextGaussian() * 0.03, arm};
  }

  /** Seed 000's question and the relu-parabola demo: y = x² at x = −5, −4, …, 4. */
  private static Split parabola() {
    double[][] in = new double[10][];
    double[] y = new double[10];
    for (int i = 0; i < 10; i++) {
      in[i] = new double[] {i - 5};
      y[i] = (i - 5) * (i - 5);
    }
    return new Split(Dataset.of(in, y), null, "y = x² at x = -5, -4, ..., 4");
  }

  /** The relu-sum demo's curve: x ~ U(0, 1), y = cos(2x + 20x²) + 0.1·N(0, 1), 256 points each, its seeds. */
  private static Split wiggle() {
    return new Split(wiggle(2024, 2025), wiggle(2026, 2027), "y = cos(2x + 20x²) + noise, 256 training and 256 test points");
  }

  @SuppressWarnings("try")
  private static Dataset wiggle(long xSeed, long noiseSeed) {
    try (var scope = Tensor.noGrad()) {
      Tensor x = RandomTensors.uniform(xSeed, 0, 1, 256);
      Tensor y = x.mul(2).add(x.square().mul(20)).cos().add(RandomTensors.randn(noiseSeed, 256).mul(0.1));
      return Dataset.of(x.reshape(256, 1), y.reshape(256, 1));
    }
  }

  /** The linear-stack demo's data: y = 2x + 30 at 29 integers drawn from [1, 100] with seed 29. */
  private static Split line() {
    SplittableRandom rng = new SplittableRandom(29);
    double[][] in = new double[29][];
    double[] y = new double[29];
    for (int i = 0; i < 29; i++) {
      in[i] = new double[] {rng.nextInt(1, 101)};
      y[i] = 2 * in[i][0] + 30;
    }
    return new Split(Dataset.of(in, y), null, "y = 2x + 30 at 29 integers from 1 to 100");
  }

  /** Uploaded CSV text with a header: every column but the last is an input, the last the target. */
  private static Split csv(String text, Limits limits) {
    if (text == null || text.isBlank()) {
      throw ApiError.badRequest("sessions: data 'csv' needs the file's text in field 'csv' (choose a file to upload)");
    }
    String[] lines = text.split("\r?\n");
    long rows = Arrays.stream(lines).skip(1).filter(l -> !l.isBlank()).count();
    if (rows > limits.uploadRows()) {
      throw ApiError.tooLarge("sessions: the CSV has " + rows + " rows; the limit is " + limits.uploadRows());
    }
    List<String> columns = new ArrayList<>();
    for (String c : lines[0].split(",", -1)) {
      columns.add(c.strip());
    }
    if (columns.size() < 2) {
      throw ApiError.badRequest("sessions: the CSV's header '" + lines[0] + "' names " + columns.size()
          + " column; it needs at least an input and a target column (the last one)");
    }
    if (columns.size() > limits.uploadColumns()) {
      throw ApiError.tooLarge("sessions: the CSV has " + columns.size() + " columns; the limit is " + limits.uploadColumns());
    }
    try {
      Dataset d = Dataset.fromCsv(new StringReader(text), "the uploaded CSV", columns.subList(0, columns.size() - 1),
          columns.subList(columns.size() - 1, columns.size()));
      return new Split(d, null, "the uploaded CSV: " + d.size() + " rows, inputs " + columns.subList(0, columns.size() - 1)
          + ", target " + columns.get(columns.size() - 1));
    } catch (IOException | RuntimeException e) {
      throw ApiError.badRequest("sessions: " + e.getMessage());
    }
  }
}
