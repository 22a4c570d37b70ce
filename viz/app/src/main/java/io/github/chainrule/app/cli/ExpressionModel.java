package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Expression;
import io.github.chainrule.nn.module.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model given as an expression, evaluated once per batch with the batch as the first axis of its
 * inputs: an input variable bound to one data column is a vector [B], one bound to several columns
 * ({@code --inputs x=x1,x2}) is a matrix [B, F] with one row per sample, so {@code x @ W + b} has one
 * row of hidden units per sample, as in nn's {@code Linear}. Every other variable is a parameter
 * of any shape. {@link #forward} maps the batches' inputs [B, columns] to predictions [B, 1], the
 * shape of a single-column target; the expression may give [B], [B, 1] or one number for all rows.
 *
 * <p>A parameter named with dots ({@code hidden.w1}) is registered under child modules named by
 * its parts, so its {@link io.github.chainrule.nn.module.Parameter#name()} is the name as written.
 */
final class ExpressionModel extends Module {
  private final Expression expression;
  private final Map<String, Input> inputs;
  private final Map<String, Tensor> parameters = new LinkedHashMap<>();

  /**
   * Where an input variable's values are in the batches' inputs.
   *
   * @param columns the columns it reads, in order
   * @param features true for a matrix [B, F] ({@code --inputs}), false for a vector [B] (one column named in the model)
   */
  record Input(int[] columns, boolean features) {}

  /**
   * @param inputs each input variable and where it is in the batches' inputs
   * @param initial the initial value of every parameter: every variable that is not an input
   */
  ExpressionModel(Expression expression, Map<String, Input> inputs, Map<String, Tensor> initial) {
    this.expression = expression;
    this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    for (String v : expression.variables()) {
      if (!inputs.containsKey(v)) {
        Tensor value = initial.get(v);
        if (value == null) {
          throw new IllegalArgumentException("model: no initial value for parameter " + v);
        }
        parameters.put(v, register(v, Tensor.of(value.toArray(), value.shape())));
      }
    }
  }

  private Tensor register(String name, Tensor value) {
    String[] parts = name.split("\\.");
    if (parts.length == 1) {
      return parameter(name, value);
    }
    Holder holder = children().containsKey(parts[0]) ? (Holder) children().get(parts[0]) : module(parts[0], new Holder());
    return holder.add(Arrays.asList(parts).subList(1, parts.length), value);
  }

  /** The parameters by name, in the order they first appear in the expression. */
  Map<String, Tensor> parameterTensors() {
    return Collections.unmodifiableMap(parameters);
  }

  List<String> inputNames() {
    return List.copyOf(inputs.keySet());
  }

  /** The variables that are inputs, and where their values are. */
  Map<String, Input> inputs() {
    return inputs;
  }

  Expression expression() {
    return expression;
  }

  @Override
  public Tensor forward(Tensor x) {
    int rows = x.shapeRef()[0];
    int width = x.shapeRef()[1];
    double[] all = x.toArray();
    Map<String, Tensor> bindings = new LinkedHashMap<>(parameters);
    for (Map.Entry<String, Input> in : inputs.entrySet()) {
      // A fresh leaf per input (not a slice of x): the graph shows the data as an input named after its variable.
      int[] columns = in.getValue().columns();
      double[] values = new double[rows * columns.length];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < columns.length; c++) {
          values[r * columns.length + c] = all[r * width + columns[c]];
        }
      }
      Tensor t = in.getValue().features() ? Tensor.wrap(values, rows, columns.length) : Tensor.wrap(values, rows);
      bindings.put(in.getKey(), t.named(in.getKey()));
    }
    Tensor out = expression.build(bindings);
    if (out.rank() == 0) {
      out = out.expand(rows);   // a model that ignores the data predicts the same for every row
    }
    int[] s = out.shapeRef();
    if (s[0] != rows || out.size() != rows || out.rank() > 2) {
      throw new IllegalArgumentException("the model '" + expression.source() + "' gives shape " + Shape.format(s)
          + " for a batch of " + rows + " rows (" + shapes(bindings) + "); it must give one prediction per row: ["
          + rows + "] or [" + rows + ",1]" + (out.rank() == 2 && s[0] == rows
              ? ", so reduce the " + s[1] + " columns, e.g. with @ a parameter of shape [" + s[1] + "]" : ""));
    }
    return out.reshape(rows, 1).named("prediction");
  }

  /** The shape of every variable, for messages: {@code x [4, 2], W [2, 3]}. */
  static String shapes(Map<String, Tensor> bindings) {
    List<String> parts = new ArrayList<>();
    bindings.forEach((n, t) -> parts.add(n + " " + Shape.format(t.shapeRef())));
    return String.join(", ", parts);
  }

  /** A node of the module tree that only holds parameters with dotted names. */
  private static final class Holder extends Module {
    Tensor add(List<String> path, Tensor value) {
      if (path.size() == 1) {
        return parameter(path.get(0), value);
      }
      Holder child = children().containsKey(path.get(0)) ? (Holder) children().get(path.get(0)) : module(path.get(0), new Holder());
      return child.add(path.subList(1, path.size()), value);
    }

    @Override
    public Tensor forward(Tensor x) {
      throw new UnsupportedOperationException("a holder of parameters has no forward");
    }
  }
}
