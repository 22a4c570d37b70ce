package io.github.chainrule.autodiff.properties;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * A recipe for a random expression graph: leaves of shapes that broadcast together, then steps that
 * each apply a random op to earlier nodes. jqwik shrinks a failing recipe by dropping steps and
 * simplifying indices; {@link #toString()} prints it as an expression a person can read.
 *
 * <p>Ops whose domain is limited are wrapped so every input is valid (log and sqrt of x²+0.1,
 * division by b²+0.5, exp of tanh), keeping values finite through any composition.
 */
record RandomGraph(int[] leafShapes, long valueSeed, List<Step> steps) {

  /** The shapes leaves draw from: all broadcast to [2,3]. */
  static final int[][] SHAPES = {{2, 3}, {3}, {2, 1}, {}, {1, 3}};

  /** Applies op number {@code op} to nodes {@code a} and {@code b} (indices taken modulo the count). */
  record Step(int op, int a, int b) {}

  /** Smallest distance from a kink any input may have; farther than any finite-difference step. */
  static final double KINK_MARGIN = 1e-3;

  enum Op {
    NEG("-(%s)"), SQUARE("(%s)^2"), SQRT("sqrt((%s)^2 + 0.1)"), EXP("exp(tanh(%s))"),
    LOG("log((%s)^2 + 0.1)"), ABS("abs(%s)"), RELU("relu(%s)"), LEAKY("leakyRelu(%s, 0.1)"),
    SIGMOID("sigmoid(%s)"), TANH("tanh(%s)"), SIN("sin(%s)"), COS("cos(%s)"), SOFTPLUS("softplus(%s)"),
    POW("((%s)^2 + 0.2)^1.5"), CLAMP("clamp(%s, -0.8, 0.8)"), SOFTMAX("softmax(%s, -1)"),
    LOG_SOFTMAX("logSoftmax(%s, -1)"), SUM("sum(%s, -1, keep)"), MEAN("mean(%s, 0, keep)"),
    MAX("max(%s, -1, keep)"),
    ADD("(%s + %s)"), SUB("(%s - %s)"), MUL("(%s * %s)"), DIV("(%s / ((%s)^2 + 0.5))"),
    MAXIMUM("maximum(%s, %s)"), MINIMUM("minimum(%s, %s)");

    final String template;

    Op(String template) {
      this.template = template;
    }

    boolean binary() {
      return ordinal() >= ADD.ordinal();
    }
  }

  /**
   * Recipes of one to three leaves and one to eight steps. jqwik shrinks a failing one towards fewer
   * leaves and steps, the first shape and op, index 0 and value seed 0.
   */
  static Arbitrary<RandomGraph> arbitrary() {
    Arbitrary<int[]> leafShapes = Arbitraries.integers().between(0, SHAPES.length - 1)
        .array(int[].class).ofMinSize(1).ofMaxSize(3);
    Arbitrary<Step> step = Combinators.combine(
        Arbitraries.integers().between(0, Op.values().length - 1),
        Arbitraries.integers().between(0, 9),
        Arbitraries.integers().between(0, 9)).as(Step::new);
    return Combinators.combine(leafShapes, Arbitraries.longs(), step.list().ofMinSize(1).ofMaxSize(8))
        .as(RandomGraph::new);
  }

  /** Leaf values in ±[0.2, 1.5], seeded, each leaf marked as requiring a gradient. */
  Tensor[] leaves() {
    SplittableRandom rng = new SplittableRandom(valueSeed);
    Tensor[] leaves = new Tensor[leafShapes.length];
    for (int i = 0; i < leaves.length; i++) {
      int[] shape = SHAPES[leafShapes[i]];
      double[] v = new double[Shape.numel(shape)];
      for (int j = 0; j < v.length; j++) {
        double m = 0.2 + 1.3 * rng.nextDouble();
        v[j] = rng.nextBoolean() ? m : -m;
      }
      leaves[i] = Tensor.of(v, shape).named("x" + i).requiresGrad();
    }
    return leaves;
  }

  /** Builds the graph on {@code xs}; the output is the last node. */
  Tensor build(Tensor... xs) {
    return buildChecked(xs, false);
  }

  /** True if every kinked op's input stays at least {@link #KINK_MARGIN} from its kink. */
  boolean awayFromKinks() {
    return buildChecked(leaves(), true) != null;
  }

  private Tensor buildChecked(Tensor[] xs, boolean checkKinks) {
    List<Tensor> nodes = new ArrayList<>(List.of(xs));
    for (Step s : steps) {
      Tensor a = nodes.get(Math.floorMod(s.a(), nodes.size()));
      Tensor b = nodes.get(Math.floorMod(s.b(), nodes.size()));
      Op op = Op.values()[Math.floorMod(s.op(), Op.values().length)];
      if (checkKinks && nearKink(op, a, b)) {
        return null;
      }
      nodes.add(apply(op, a, b));
    }
    return nodes.get(nodes.size() - 1);
  }

  static Tensor apply(Op op, Tensor a, Tensor b) {
    switch (op) {
      case NEG: return a.neg();
      case SQUARE: return a.square();
      case SQRT: return a.square().add(0.1).sqrt();
      case EXP: return a.tanh().exp();
      case LOG: return a.square().add(0.1).log();
      case ABS: return a.abs();
      case RELU: return a.relu();
      case LEAKY: return a.leakyRelu(0.1);
      case SIGMOID: return a.sigmoid();
      case TANH: return a.tanh();
      case SIN: return a.sin();
      case COS: return a.cos();
      case SOFTPLUS: return a.softplus();
      case POW: return a.square().add(0.2).pow(1.5);
      case CLAMP: return a.clamp(-0.8, 0.8);
      case SOFTMAX: return a.rank() == 0 ? a : a.softmax(-1);
      case LOG_SOFTMAX: return a.rank() == 0 ? a : a.logSoftmax(-1);
      case SUM: return a.rank() == 0 ? a : a.sum(-1, true);
      case MEAN: return a.rank() == 0 ? a : a.mean(0, true);
      case MAX: return a.rank() == 0 ? a : a.max(-1, true);
      case ADD: return a.add(b);
      case SUB: return a.sub(b);
      case MUL: return a.mul(b);
      case DIV: return a.div(b.square().add(0.5));
      case MAXIMUM: return a.maximum(b);
      case MINIMUM: return a.minimum(b);
      default: throw new AssertionError(op);
    }
  }

  private static boolean nearKink(Op op, Tensor a, Tensor b) {
    switch (op) {
      case ABS: case RELU: case LEAKY:
        return anyWithin(a, 0.0);
      case CLAMP:
        return anyWithin(a, -0.8) || anyWithin(a, 0.8);
      case MAXIMUM: case MINIMUM:
        return anyWithin(a.sub(b), 0.0);
      case MAX:
        return a.rank() > 0 && topTwoClose(a);
      default:
        return false;
    }
  }

  private static boolean anyWithin(Tensor t, double kink) {
    for (double v : t.data()) {
      if (Math.abs(v - kink) < KINK_MARGIN) {
        return true;
      }
    }
    return false;
  }

  /** Along the last axis, do the largest and second-largest values nearly tie? */
  private static boolean topTwoClose(Tensor t) {
    int len = t.shapeRef()[t.rank() - 1];
    double[] d = t.data();
    for (int row = 0; row < d.length / len; row++) {
      for (int i = 0; i < len; i++) {
        for (int j = i + 1; j < len; j++) {
          if (Math.abs(d[row * len + i] - d[row * len + j]) < KINK_MARGIN) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The graph as one expression over the leaves, e.g. {@code relu((x0 + x1)) with x0[2,3], x1[]}. */
  @Override
  public String toString() {
    List<String> text = new ArrayList<>();
    StringBuilder leavesText = new StringBuilder();
    for (int i = 0; i < leafShapes.length; i++) {
      text.add("x" + i);
      leavesText.append(i == 0 ? "" : ", ").append("x").append(i).append(Shape.format(SHAPES[leafShapes[i]]));
    }
    for (Step s : steps) {
      Op op = Op.values()[Math.floorMod(s.op(), Op.values().length)];
      String a = text.get(Math.floorMod(s.a(), text.size()));
      String b = text.get(Math.floorMod(s.b(), text.size()));
      text.add(op.binary() ? String.format(op.template, a, b) : String.format(op.template, a));
    }
    return text.get(text.size() - 1) + "   with " + leavesText + ", value seed " + valueSeed;
  }
}
