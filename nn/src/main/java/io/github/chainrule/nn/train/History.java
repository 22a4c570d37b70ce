package io.github.chainrule.nn.train;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.nn.module.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a training run did, step by step: the loss of every step and every epoch and, when asked,
 * every parameter's value and gradient at every step, as plain arrays for plotting.
 *
 * <h2>Alignment</h2>
 * Step k (from 0) computed loss {@code stepLosses()[k]} and gradient {@code gradients(name)[k]} at
 * the values {@code values(name)[k]} (gradients as the update used them, after any clipping), then
 * updated them to {@code values(name)[k + 1]}. So values have one row more than there are steps:
 * row 0 holds the initial values. A run stopped by an error keeps every completed step.
 *
 * <h2>Long runs are thinned</h2>
 * Memory stays bounded however long the run: the record keeps every step up to {@link #limit()}
 * steps; when it is full it drops every other kept step and from then on keeps every second step,
 * then every fourth, and so on. The kept steps are always evenly spaced, {@link #stride()} apart,
 * starting at step 0: entry i of {@link #stepLosses()} and of the gradients and values is step
 * {@code i * stride()} ({@link #stepNumbers()}), and the values' extra last row is always the values
 * after the last step. Epoch losses are thinned the same way ({@link #epochStride()}). The counts
 * ({@link #steps()}, {@link #epochs()}) and {@link #lastLoss()} stay exact. Each step costs the
 * same however many came before: the thinning moves a full record in place, once per doubling.
 */
public final class History {
  /** Steps, and epochs, recorded one by one before the record is thinned. */
  public static final int DEFAULT_LIMIT = 1 << 16;

  private final int limit;
  private final Record stepRecord;
  private final Record epochRecord;
  private int steps;
  private int epochs;
  private double lastLoss = Double.NaN;
  private final boolean recordParameters;
  private final Map<String, int[]> shapes = new LinkedHashMap<>();
  private final Map<String, List<double[]>> values = new LinkedHashMap<>();
  private final Map<String, List<double[]>> gradients = new LinkedHashMap<>();
  /** Each parameter's values after the last step (before the first step, the initial ones). */
  private final Map<String, double[]> latest = new LinkedHashMap<>();

  History(List<Parameter> params, boolean recordParameters) {
    this(params, recordParameters, DEFAULT_LIMIT);
  }

  History(List<Parameter> params, boolean recordParameters, int limit) {
    checkArgument(limit >= 2 && limit % 2 == 0, "history: the limit must be an even number of at least 2, got %s", limit);
    this.limit = limit;
    this.recordParameters = recordParameters;
    this.stepRecord = new Record(limit);
    this.epochRecord = new Record(limit);
    if (recordParameters) {
      for (Parameter p : params) {
        shapes.put(p.name(), p.shape());
        values.put(p.name(), new ArrayList<>());
        gradients.put(p.name(), new ArrayList<>());
        latest.put(p.name(), p.data().clone());
      }
    }
  }

  // ---------------------------------------------------------------- recording (by the trainer)

  /** Step {@link #steps()}'s loss and, before the update, its parameters' values and gradients. */
  void recordStep(double loss, List<Parameter> params) {
    if (stepRecord.keeps(steps)) {
      if (stepRecord.full()) {
        stepRecord.thin();
        if (recordParameters) {
          values.values().forEach(Record::thinRows);
          gradients.values().forEach(Record::thinRows);
        }
      }
      stepRecord.add(loss);
      if (recordParameters) {
        for (Parameter p : params) {
          values.get(p.name()).add(p.data().clone());
          gradients.get(p.name()).add(p.hasGrad() ? p.grad().data().clone() : new double[p.size()]);
        }
      }
    }
    lastLoss = loss;
  }

  /** After the update of the step {@link #recordStep} recorded: the step is complete. */
  void recordUpdate(List<Parameter> params) {
    steps++;
    if (recordParameters) {
      for (Parameter p : params) {
        System.arraycopy(p.data(), 0, latest.get(p.name()), 0, p.size());
      }
    }
  }

  void recordEpoch(double loss) {
    if (epochRecord.keeps(epochs)) {
      if (epochRecord.full()) {
        epochRecord.thin();
      }
      epochRecord.add(loss);
    }
    epochs++;
  }

  /**
   * Evenly spaced numbers, one per kept index: index k is kept while {@code k % stride == 0}; when
   * {@link #limit} are kept, every other one is dropped and the stride doubles.
   */
  private static final class Record {
    private final int limit;
    private double[] kept = new double[64];
    private int count;
    private int stride = 1;

    Record(int limit) {
      this.limit = limit;
    }

    /** True if index {@code k}, the next one, is kept (after thinning, if the record is full). */
    boolean keeps(int k) {
      return k % stride == 0 && (count < limit || k % (2 * stride) == 0);
    }

    boolean full() {
      return count == limit;
    }

    void add(double v) {
      if (count == kept.length) {
        kept = Arrays.copyOf(kept, Math.min(limit, 2 * count));
      }
      kept[count++] = v;
    }

    /** Keeps entries 0, 2, 4, ...: every other kept index, so the spacing doubles. */
    void thin() {
      for (int i = 0; 2 * i < count; i++) {
        kept[i] = kept[2 * i];
      }
      count = (count + 1) / 2;
      stride *= 2;
    }

    /** The same thinning for rows kept in step with a record. */
    static void thinRows(List<double[]> rows) {
      int half = (rows.size() + 1) / 2;
      for (int i = 0; i < half; i++) {
        rows.set(i, rows.get(2 * i));
      }
      rows.subList(half, rows.size()).clear();
    }

    double[] values() {
      return Arrays.copyOf(kept, count);
    }

    int[] indices() {
      int[] out = new int[count];
      for (int i = 0; i < count; i++) {
        out[i] = i * stride;
      }
      return out;
    }
  }

  // ---------------------------------------------------------------- losses

  /** Number of completed steps (parameter updates). */
  public int steps() {
    return steps;
  }

  /** Number of completed epochs. */
  public int epochs() {
    return epochs;
  }

  /** Steps and epochs kept one by one before the record is thinned (see the class comment). */
  public int limit() {
    return limit;
  }

  /** The spacing of the kept steps: 1 until the run passed {@link #limit()} steps, then 2, 4, ... */
  public int stride() {
    return stepRecord.stride;
  }

  /** The spacing of the kept epochs, like {@link #stride()}. */
  public int epochStride() {
    return epochRecord.stride;
  }

  /** The step numbers of the kept steps: 0, stride, 2·stride, ... (0 to steps − 1 until thinned). */
  public int[] stepNumbers() {
    return stepRecord.indices();
  }

  /** The epoch numbers of the kept epochs. */
  public int[] epochNumbers() {
    return epochRecord.indices();
  }

  /** The loss of each kept step, computed before its update. */
  public double[] stepLosses() {
    return stepRecord.values();
  }

  /**
   * Each kept epoch's loss: the mean of its step losses weighted by batch size (for a mean-reduced
   * loss, the mean loss per example over the epoch, measured while the weights moved).
   */
  public double[] epochLosses() {
    return epochRecord.values();
  }

  /** The last step's loss, or NaN before the first step. */
  public double lastLoss() {
    return lastLoss;
  }

  // ---------------------------------------------------------------- trajectories

  /** True if parameter values and gradients were recorded. */
  public boolean recordsParameters() {
    return recordParameters;
  }

  /** Names of the recorded parameters, in model order. */
  public List<String> parameterNames() {
    return List.copyOf(shapes.keySet());
  }

  public int[] shape(String name) {
    return rows(shapes, name).clone();
  }

  /**
   * Values of parameter {@code name}: [kept steps + 1][elements], row i at the start of step {@code
   * stepNumbers()[i]} (row 0 the initial values), the last row after the last step.
   */
  public double[][] values(String name) {
    List<double[]> rows = new ArrayList<>(rows(values, name));
    rows.add(latest.get(name).clone());
    return rows.toArray(new double[0][]);
  }

  /** Gradients of parameter {@code name}: [kept steps][elements]. */
  public double[][] gradients(String name) {
    return rows(gradients, name).toArray(new double[0][]);
  }

  /** One element of a parameter over time (kept steps + 1 values): {@code valueSeries("0.weight", 1, 0)}. */
  public double[] valueSeries(String name, int... index) {
    List<double[]> rows = new ArrayList<>(rows(values, name));
    rows.add(latest.get(name));
    return column(rows, name, index);
  }

  /** One gradient element over the kept steps. */
  public double[] gradientSeries(String name, int... index) {
    return column(rows(gradients, name), name, index);
  }

  private <T> T rows(Map<String, T> map, String name) {
    checkArgument(recordParameters, "history: parameters were not recorded; ask the trainer to recordParameters(true)");
    T rows = map.get(name);
    checkArgument(rows != null, "history: no parameter '%s'; recorded are %s", name, shapes.keySet());
    return rows;
  }

  private double[] column(List<double[]> rows, String name, int[] index) {
    int[] shape = shapes.get(name);
    checkArgument(index.length == shape.length, "history: %s has shape %s; give %s indices, got %s",
        name, Shape.format(shape), shape.length, index.length);
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      checkArgument(index[i] >= 0 && index[i] < shape[i], "history: index %s is out of range for %s of shape %s",
          Arrays.toString(index), name, Shape.format(shape));
      flat = flat * shape[i] + index[i];
    }
    double[] out = new double[rows.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = rows.get(k)[flat];
    }
    return out;
  }

  @Override
  public String toString() {
    return "History(" + steps + " steps, " + epochs() + " epochs, last loss " + lastLoss()
        + (stride() > 1 ? ", 1 step in " + stride() + " kept" : "")
        + (recordParameters ? ", parameters " + shapes.keySet() : "") + ")";
  }
}
