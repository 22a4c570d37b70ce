package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Expression;
import io.github.chainrule.autodiff.expr.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Expressions given on the command line, and the values given to their variables. */
public final class Expressions {
  private Expressions() {}

  /** Parses {@code text}; a parse error keeps its caret picture under a heading saying what failed. */
  public static Expression parse(String text) {
    try {
      return Expression.parse(text);
    } catch (ParseException e) {
      throw new IllegalArgumentException("bad expression: " + e.getMessage(), e);
    }
  }

  /**
   * One leaf requiring a gradient per variable, named after it, from the values of {@code option}
   * ({@code --at x=2,W=[[1,2],[3,4]]}, read by {@link Values}): every variable needs a value, and
   * every value a variable.
   */
  public static Map<String, Tensor> leaves(Expression e, Map<String, Tensor> values, String option) {
    checkNoStrangers(e, values.keySet(), option, "a variable");
    List<String> missing = new ArrayList<>();
    for (String v : e.variables()) {
      if (!values.containsKey(v)) {
        missing.add(v);
      }
    }
    if (!missing.isEmpty()) {
      StringBuilder example = new StringBuilder();
      for (String v : e.variables()) {
        example.append(example.length() == 0 ? "" : ",").append(v).append('=').append(values.containsKey(v) ? Values.format(values.get(v)) : "...");
      }
      throw new IllegalArgumentException((missing.size() == 1 ? "variable " : "variables ") + Names.list(missing)
          + (missing.size() == 1 ? " has" : " have") + " no value: give " + (missing.size() == 1 ? "it" : "them")
          + " with " + option + " " + example + " (the variables of '" + e.source() + "' are "
          + Names.list(e.variables()) + ")");
    }
    Map<String, Tensor> bound = new LinkedHashMap<>();
    for (String v : e.variables()) {
      bound.put(v, values.get(v).named(v).requiresGrad());
    }
    return bound;
  }

  /**
   * The pairs of {@code text} as the command line reads {@code --at} ({@code x=2,W=[[1,2],[3,4]]}, see
   * {@link Values}), for callers outside the command line (the playground) that read the same syntax.
   *
   * @throws IllegalArgumentException for a malformed pair, naming it and the character at fault
   */
  public static Map<String, Tensor> values(String text, String option) {
    return Values.parse(List.of(text), option);
  }

  /** {@link #leaves} for plain numbers: each value a scalar. */
  public static Map<String, Tensor> scalars(Expression e, Map<String, Double> values, String option) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    values.forEach((name, v) -> tensors.put(name, Tensor.scalar(v)));
    return leaves(e, tensors, option);
  }

  /** {@code out}, if it is one number: a gradient is of one number, and a tensor has as many as elements. */
  static Tensor scalarOutput(Expression e, Tensor out, String command) {
    if (out.size() != 1) {
      throw new IllegalArgumentException("'" + e.source() + "' has shape " + Shape.format(out.shapeRef()) + ", and "
          + command + " needs one number to differentiate: wrap it in sum(...) or mean(...)");
    }
    return out;
  }

  /** Refuses names given in {@code option} that the expression does not use, suggesting the nearest one. */
  static void checkNoStrangers(Expression e, Iterable<String> given, String option, String what) {
    for (String name : given) {
      if (!e.variables().contains(name)) {
        throw new IllegalArgumentException(option + " " + name + "=...: '" + name + "' is not " + what + " of '"
            + e.source() + "' (its variables are " + Names.list(e.variables()) + ")"
            + Names.didYouMean(name, e.variables()));
      }
    }
  }
}
