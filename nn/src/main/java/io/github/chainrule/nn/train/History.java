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
 */
public final class History {
  private double[] stepLoss = new double[64];
  private int steps;
  private final List<Double> epochLoss = new ArrayList<>();
  private final boolean recordParameters;
  private final Map<String, int[]> shapes = new LinkedHashMap<>();
  private final Map<String, List<double[]>> values = new LinkedHashMap<>();
  private final Map<String, List<double[]>> gradients = new LinkedHashMap<>();

  History(List<Parameter> params, boolean recordParameters) {
    this.recordParameters = recordParameters;
    if (recordParameters) {
      for (Parameter p : params) {
        shapes.put(p.name(), p.shape());
        values.put(p.name(), new ArrayList<>(List.of(p.data().clone())));
        gradients.put(p.name(), new ArrayList<>());
      }
    }
  }

  // ---------------------------------------------------------------- recording (by the trainer)

  void recordGradients(List<Parameter> params) {
    if (recordParameters) {
      for (Parameter p : params) {
        gradients.get(p.name()).add(p.hasGrad() ? p.grad().data().clone() : new double[p.size()]);
      }
    }
  }

  void recordStep(double loss, List<Parameter> params) {
    if (steps == stepLoss.length) {
      stepLoss = Arrays.copyOf(stepLoss, steps * 2);
    }
    stepLoss[steps++] = loss;
    if (recordParameters) {
      for (Parameter p : params) {
        values.get(p.name()).add(p.data().clone());
      }
    }
  }

  void recordEpoch(double loss) {
    epochLoss.add(loss);
  }

  // ---------------------------------------------------------------- losses

  /** Number of completed steps (parameter updates). */
  public int steps() {
    return steps;
  }

  /** Number of completed epochs. */
  public int epochs() {
    return epochLoss.size();
  }

  /** The loss of each step, computed before its update. */
  public double[] stepLosses() {
    return Arrays.copyOf(stepLoss, steps);
  }

  /**
   * Each epoch's loss: the mean of its step losses weighted by batch size (for a mean-reduced loss,
   * the mean loss per example over the epoch, measured while the weights moved).
   */
  public double[] epochLosses() {
    double[] out = new double[epochLoss.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = epochLoss.get(i);
    }
    return out;
  }

  /** The last step's loss, or NaN before the first step. */
  public double lastLoss() {
    return steps == 0 ? Double.NaN : stepLoss[steps - 1];
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

  /** Values of parameter {@code name}: [steps + 1][elements], row 0 the initial values. */
  public double[][] values(String name) {
    return rows(values, name).toArray(new double[0][]);
  }

  /** Gradients of parameter {@code name}: [steps][elements]. */
  public double[][] gradients(String name) {
    return rows(gradients, name).toArray(new double[0][]);
  }

  /** One element of a parameter over time (steps + 1 values): {@code valueSeries("0.weight", 1, 0)}. */
  public double[] valueSeries(String name, int... index) {
    return column(rows(values, name), name, index);
  }

  /** One gradient element over the steps. */
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
        + (recordParameters ? ", parameters " + shapes.keySet() : "") + ")";
  }
}
