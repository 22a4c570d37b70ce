package io.github.chainrule.nn.data;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.List;

/**
 * Examples held in memory: inputs of shape [N, F] and targets of shape [N, T], row i being example
 * i, with optional column names (from a CSV header).
 */
public final class Dataset {
  private final Tensor inputs;
  private final Tensor targets;
  private final List<String> inputNames;
  private final List<String> targetNames;

  private Dataset(Tensor inputs, Tensor targets, List<String> inputNames, List<String> targetNames) {
    int[] xs = inputs.shapeRef();
    int[] ys = targets.shapeRef();
    checkArgument(xs.length == 2 && ys.length == 2, "Dataset: inputs %s and targets %s must both be [N, columns]",
        Shape.format(xs), Shape.format(ys));
    checkArgument(xs[0] == ys[0], "Dataset: %s input rows but %s target rows", xs[0], ys[0]);
    this.inputs = inputs.named("input");
    this.targets = targets.named("target");
    this.inputNames = List.copyOf(inputNames);
    this.targetNames = List.copyOf(targetNames);
  }

  /** From rows of inputs and rows of targets (copied). */
  public static Dataset of(double[][] inputs, double[][] targets) {
    return of(Tensor.of(inputs), Tensor.of(targets));
  }

  /** From rows of inputs and one target per row (copied); targets get shape [N, 1]. */
  public static Dataset of(double[][] inputs, double[] targets) {
    return of(Tensor.of(inputs), Tensor.of(targets, targets.length, 1));
  }

  /** From tensors of shape [N, F] and [N, T] (copied). */
  public static Dataset of(Tensor inputs, Tensor targets) {
    return new Dataset(inputs.copy(), targets.copy(), defaultNames("x", inputs), defaultNames("y", targets));
  }

  private static List<String> defaultNames(String prefix, Tensor t) {
    int cols = t.rank() == 2 ? t.shapeRef()[1] : 0;
    String[] names = new String[cols];
    for (int i = 0; i < cols; i++) {
      names[i] = prefix + i;
    }
    return List.of(names);
  }

  static Dataset named(Tensor inputs, Tensor targets, List<String> inputNames, List<String> targetNames) {
    return new Dataset(inputs, targets, inputNames, targetNames);
  }

  /**
   * Reads a CSV file with a header line; {@code targetColumns} name the target columns and {@code
   * inputColumns} the inputs (all columns that are not targets when empty). See {@link Csv}.
   */
  public static Dataset fromCsv(Path file, List<String> inputColumns, List<String> targetColumns) throws IOException {
    return Csv.read(file, inputColumns, targetColumns);
  }

  /** As {@link #fromCsv(Path, List, List)} from any reader; {@code source} names it in errors. */
  public static Dataset fromCsv(Reader reader, String source, List<String> inputColumns, List<String> targetColumns)
      throws IOException {
    return Csv.read(reader, source, inputColumns, targetColumns);
  }

  // ---------------------------------------------------------------- batching

  /** Mini-batches of {@code size} rows in file order (the last may be smaller). */
  public Batches batches(int size) {
    return new Batches(this, size, false, 0L);
  }

  /** All rows as one batch. */
  public Batches fullBatch() {
    return batches(Math.max(1, size()));
  }

  // ---------------------------------------------------------------- access

  public int size() {
    return inputs.shapeRef()[0];
  }

  /** Inputs [N, F]; do not modify. */
  public Tensor inputs() {
    return inputs;
  }

  /** Targets [N, T]; do not modify. */
  public Tensor targets() {
    return targets;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  public List<String> targetNames() {
    return targetNames;
  }

  @Override
  public String toString() {
    return "Dataset(" + size() + " rows, inputs " + inputNames + ", targets " + targetNames + ")";
  }
}
