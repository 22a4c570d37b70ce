package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Expression;
import io.github.chainrule.nn.module.Module;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model given as an expression: the variables that are data columns are inputs, bound to one
 * column of each batch; every other variable is a scalar parameter. {@link #forward} maps inputs
 * [B, F] to predictions [B, 1], the shape of a single-column target.
 *
 * <p>A parameter named with dots ({@code hidden.w1}) is registered under child modules named by
 * its parts, so its {@link io.github.chainrule.nn.module.Parameter#name()} is the name as written.
 */
final class ExpressionModel extends Module {
  private final Expression expression;
  private final Map<String, Integer> inputColumns;
  private final Map<String, Tensor> parameters = new LinkedHashMap<>();

  /**
   * @param inputColumns each input variable and its column in the batches' inputs
   * @param initial the initial value of every parameter: every variable that is not an input
   */
  ExpressionModel(Expression expression, Map<String, Integer> inputColumns, Map<String, Double> initial) {
    this.expression = expression;
    this.inputColumns = Collections.unmodifiableMap(new LinkedHashMap<>(inputColumns));
    for (String v : expression.variables()) {
      if (!inputColumns.containsKey(v)) {
        Double value = initial.get(v);
        if (value == null) {
          throw new IllegalArgumentException("model: no initial value for parameter " + v);
        }
        parameters.put(v, register(v, Tensor.scalar(value)));
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
    return List.copyOf(inputColumns.keySet());
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
    for (Map.Entry<String, Integer> in : inputColumns.entrySet()) {
      // A fresh leaf per column (not a slice of x): the graph shows the data as an input named after its column.
      double[] column = new double[rows];
      for (int r = 0; r < rows; r++) {
        column[r] = all[r * width + in.getValue()];
      }
      bindings.put(in.getKey(), Tensor.wrap(column, rows).named(in.getKey()));
    }
    Tensor out = expression.build(bindings);
    if (out.rank() == 0) {
      out = out.expand(rows);   // a model that ignores the data predicts the same for every row
    }
    if (out.rank() != 1 || out.shapeRef()[0] != rows) {
      throw new IllegalStateException("model '" + expression.source() + "' gave shape " + Shape.format(out.shapeRef())
          + " for a batch of " + rows + " rows; expected one prediction per row");
    }
    return out.reshape(rows, 1).named("prediction");
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
