package io.github.chainrule.autodiff.expr;

import io.github.chainrule.autodiff.expr.Node.Binary;
import io.github.chainrule.autodiff.expr.Node.Call;
import io.github.chainrule.autodiff.expr.Node.Negate;
import io.github.chainrule.autodiff.expr.Node.Operator;
import io.github.chainrule.autodiff.expr.Node.Variable;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The shape an expression's graph has for given shapes of its variables, worked out from the rules
 * the library documents and not from its code: NumPy broadcasting for elementwise ops, NumPy's
 * matmul for ranks 1 to 3, sum and mean to a scalar or along one axis (negative axes count from
 * the end), transpose swapping the last two axes of a tensor of rank 2 or more, or two given axes.
 * Empty when some op must refuse its operands.
 */
final class ExpectedShape {
  private ExpectedShape() {}

  static Optional<int[]> of(Node node, Map<String, int[]> variables) {
    if (node instanceof Variable) {
      return Optional.of(variables.get(((Variable) node).name()));
    }
    if (node instanceof Node.Literal) {
      return Optional.of(new int[0]);
    }
    if (node instanceof Negate) {
      return of(((Negate) node).operand(), variables);
    }
    if (node instanceof Binary) {
      Binary b = (Binary) node;
      Optional<int[]> left = of(b.left(), variables);
      Optional<int[]> right = of(b.right(), variables);
      if (b.op() == Operator.POW) {
        // The exponent is a constant, but one that an op may still refuse: sum(2, 0).
        return right.isEmpty() ? right : left;
      }
      if (left.isEmpty() || right.isEmpty()) {
        return Optional.empty();
      }
      return b.op() == Operator.MATMUL ? matmul(left.get(), right.get()) : broadcast(left.get(), right.get());
    }
    Call c = (Call) node;
    Optional<int[]> first = of(c.args().get(0), variables);
    if (first.isEmpty()) {
      return first;
    }
    int[] ints = c.ints();
    int[] s = first.get().clone();
    switch (c.function().text()) {
      case "sum": case "mean": {
        if (ints.length == 0) {
          return Optional.of(new int[0]);
        }
        int axis = ints[0] < 0 ? ints[0] + s.length : ints[0];
        return axis < 0 || axis >= s.length ? Optional.empty() : Optional.of(dropAxis(s, axis));
      }
      case "transpose": {
        if (ints.length == 0 && s.length < 2) {
          return Optional.empty();
        }
        int a0 = ints.length == 0 ? s.length - 2 : ints[0] < 0 ? ints[0] + s.length : ints[0];
        int a1 = ints.length == 0 ? s.length - 1 : ints[1] < 0 ? ints[1] + s.length : ints[1];
        if (a0 < 0 || a0 >= s.length || a1 < 0 || a1 >= s.length) {
          return Optional.empty();
        }
        int swapped = s[a0];
        s[a0] = s[a1];
        s[a1] = swapped;
        return Optional.of(s);
      }
      default:
        if (c.function().arity() == 2) {
          // The binary functions (max, min) are elementwise: they broadcast.
          Optional<int[]> second = of(c.args().get(1), variables);
          return second.isEmpty() ? second : broadcast(first.get(), second.get());
        }
        return first;
    }
  }

  static Optional<int[]> broadcast(int[] a, int[] b) {
    int[] out = new int[Math.max(a.length, b.length)];
    for (int i = 1; i <= out.length; i++) {
      int da = i <= a.length ? a[a.length - i] : 1;
      int db = i <= b.length ? b[b.length - i] : 1;
      if (da != db && da != 1 && db != 1) {
        return Optional.empty();
      }
      out[out.length - i] = da == 1 ? db : da;
    }
    return Optional.of(out);
  }

  /** NumPy's matmul for ranks 1 to 3: a vector is a row on the left, a column on the right, and its axis is dropped again. */
  static Optional<int[]> matmul(int[] a, int[] b) {
    if (a.length == 0 || b.length == 0 || a.length > 3 || b.length > 3) {
      return Optional.empty();
    }
    int[] ma = a.length == 1 ? new int[] {1, a[0]} : a;
    int[] mb = b.length == 1 ? new int[] {b[0], 1} : b;
    int m = ma[ma.length - 2];
    int k = ma[ma.length - 1];
    int n = mb[mb.length - 1];
    if (k != mb[mb.length - 2] || ma.length == 3 && mb.length == 3 && ma[0] != mb[0]) {
      return Optional.empty();
    }
    int[] out = ma.length == 3 ? new int[] {ma[0], m, n} : mb.length == 3 ? new int[] {mb[0], m, n} : new int[] {m, n};
    if (a.length == 1) {
      out = dropAxis(out, out.length - 2);
    }
    if (b.length == 1) {
      out = dropAxis(out, out.length - 1);
    }
    return Optional.of(out);
  }

  private static int[] dropAxis(int[] s, int axis) {
    int[] out = new int[s.length - 1];
    System.arraycopy(s, 0, out, 0, axis);
    System.arraycopy(s, axis + 1, out, axis, s.length - axis - 1);
    return out;
  }

  static String format(int[] shape) {
    return Arrays.toString(shape);
  }
}
