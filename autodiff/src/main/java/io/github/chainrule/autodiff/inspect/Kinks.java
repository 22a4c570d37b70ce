package io.github.chainrule.autodiff.inspect;

import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the kinks an op sits on, for the ops chainrule ships that have them: relu, leakyRelu, abs,
 * clamp, maximum, minimum and max over an axis. An op of your own can describe its kinks by
 * implementing {@link KinkAware}.
 *
 * <p>Where each kink lies and its two one-sided slopes come from the op's definition (the table
 * below); the slope autodiff used is read from the op's own backward rule with a one-hot upstream
 * gradient, so it reports what the code does, not what a comment says it does.
 */
public final class Kinks {
  private static final Set<String> KINKED = Set.of("relu", "abs", "leakyRelu", "clamp", "maximum", "minimum", "max");

  private Kinks() {}

  /** Implemented by ops that know their own non-differentiable points. */
  public interface KinkAware {
    /** The kinks of this op at the recorded inputs; {@code used} may be left NaN to be filled in. */
    List<Kink> kinks(Tensor[] inputs, Tensor output);
  }

  /** The kinks {@code node}'s op sits on at the node's recorded inputs; empty for a leaf or a smooth op. */
  public static List<Kink> at(Tensor node) {
    Op op = node.op();
    if (op == null) {
      return List.of();
    }
    if (!(op instanceof KinkAware) && !KINKED.contains(op.name())) {
      return List.of();
    }
    Tensor[] in = node.inputs().toArray(new Tensor[0]);
    List<Kink> found;
    if (op instanceof KinkAware aware) {
      found = aware.kinks(in, node);
    } else {
      found = switch (op.name()) {
        case "relu" -> unary(node, in[0], 0.0, "input = 0", 0.0, 1.0);
        case "abs" -> unary(node, in[0], 0.0, "input = 0", -1.0, 1.0);
        case "leakyRelu" -> {
          double alpha = -forwardAt(op, -1.0);
          yield unary(node, in[0], 0.0, "input = 0", alpha, 1.0);
        }
        case "clamp" -> clamp(node, in[0]);
        case "maximum" -> tie(node, in, 0.0, 1.0);
        case "minimum" -> tie(node, in, 1.0, 0.0);
        case "max" -> maxTies(node, in[0]);
        default -> List.of();
      };
    }
    List<Kink> withUsed = new ArrayList<>(found.size());
    for (Kink k : found) {
      if (!in[k.inputIndex()].needsGrad()) {
        continue; // a constant side of maximum(x, 0.0): no gradient flows there, nothing to label
      }
      withUsed.add(Double.isNaN(k.used()) ? new Kink(k.op(), k.node(), k.inputIndex(), k.inputElement(),
          k.outputElement(), k.where(), k.leftSlope(), k.rightSlope(), usedSlope(node, in, k)) : k);
    }
    return withUsed;
  }

  /** The kinks among {@code consumer}'s that concern its input {@code inputIndex}. */
  static List<Kink> at(Tensor consumer, int inputIndex) {
    return at(consumer).stream().filter(k -> k.inputIndex() == inputIndex).toList();
  }

  private static double forwardAt(Op op, double x) {
    try (GradMode.Scope scope = GradMode.disabled()) {
      return op.forward(Tensor.scalar(x)).item();
    }
  }

  private static Kink kink(Tensor node, int input, int inElement, int outElement, String where, double left, double right) {
    return new Kink(node.op().label(), node.label(), input, inElement, outElement, where, left, right, Double.NaN);
  }

  private static List<Kink> unary(Tensor node, Tensor x, double at, String where, double left, double right) {
    List<Kink> out = new ArrayList<>();
    double[] v = x.data();
    for (int e = 0; e < v.length; e++) {
      if (v[e] == at) {
        out.add(kink(node, 0, e, e, where, left, right));
      }
    }
    return out;
  }

  private static List<Kink> clamp(Tensor node, Tensor x) {
    double lo = forwardAt(node.op(), Double.NEGATIVE_INFINITY);
    double hi = forwardAt(node.op(), Double.POSITIVE_INFINITY);
    List<Kink> out = new ArrayList<>();
    double[] v = x.data();
    for (int e = 0; e < v.length; e++) {
      if (lo == hi && v[e] == lo) {
        out.add(kink(node, 0, e, e, "input = lo = hi = " + lo, 0.0, 0.0));
      } else if (v[e] == lo) {
        out.add(kink(node, 0, e, e, "the lower bound, input = " + lo, 0.0, 1.0));
      } else if (v[e] == hi) {
        out.add(kink(node, 0, e, e, "the upper bound, input = " + hi, 1.0, 0.0));
      }
    }
    return out;
  }

  /** maximum/minimum where both sides are equal: each input's slopes below and above the tie. */
  private static List<Kink> tie(Tensor node, Tensor[] in, double left, double right) {
    int[] shape = node.shapeRef();
    int[] sa = Shape.broadcastStrides(in[0].shapeRef(), shape);
    int[] sb = Shape.broadcastStrides(in[1].shapeRef(), shape);
    int[] strides = Shape.strides(shape);
    double[] a = in[0].data();
    double[] b = in[1].data();
    List<Kink> out = new ArrayList<>();
    for (int e = 0; e < node.size(); e++) {
      int ia = 0;
      int ib = 0;
      int rest = e;
      for (int d = 0; d < shape.length; d++) {
        int i = rest / strides[d];
        rest %= strides[d];
        ia += i * sa[d];
        ib += i * sb[d];
      }
      if (a[ia] == b[ib]) {
        String where = "a tie, both inputs = " + a[ia];
        out.add(kink(node, 0, ia, e, where, left, right));
        out.add(kink(node, 1, ib, e, where, left, right));
      }
    }
    return out;
  }

  /** max over an axis where the maximum is shared: raising a tied element makes it the maximum. */
  private static List<Kink> maxTies(Tensor node, Tensor x) {
    String label = node.op().label();
    int axis = Integer.parseInt(label.substring(label.indexOf('=') + 1, label.indexOf(')')));
    int[] s = x.shapeRef();
    int outer = Shape.outer(s, axis);
    int inner = Shape.inner(s, axis);
    int len = s[axis];
    double[] d = x.data();
    List<Kink> out = new ArrayList<>();
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double best = Double.NEGATIVE_INFINITY;
        int count = 0;
        for (int j = 0; j < len; j++) {
          double v = d[(o * len + j) * inner + i];
          if (v > best) {
            best = v;
            count = 1;
          } else if (v == best) {
            count++;
          }
        }
        if (count < 2) {
          continue;
        }
        for (int j = 0; j < len; j++) {
          int p = (o * len + j) * inner + i;
          if (d[p] == best) {
            out.add(kink(node, 0, p, o * inner + i, "a tie for the maximum (" + count + " elements = " + best + ")", 0.0, 1.0));
          }
        }
      }
    }
    return out;
  }

  /** What the op's backward gives d(output element)/d(input element): a one-hot upstream gradient. */
  private static double usedSlope(Tensor node, Tensor[] in, Kink k) {
    double[] seed = new double[node.size()];
    seed[k.outputElement()] = 1.0;
    try (GradMode.Scope scope = GradMode.disabled()) {
      Tensor[] grads = node.op().backward(in, node, Tensor.wrap(seed, node.shape()));
      Tensor g = grads[k.inputIndex()];
      return g == null ? Double.NaN : g.data()[k.inputElement()];
    }
  }
}
