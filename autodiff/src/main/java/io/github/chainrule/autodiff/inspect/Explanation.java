package io.github.chainrule.autodiff.inspect;

import static io.github.chainrule.autodiff.Format.number;

import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.Format;
import java.util.List;
import java.util.Locale;

/**
 * What dL/d(node) is, as {@link Explain} found it: structured for code and tests, and as text for
 * people through {@link #toString()}. Arrays are row-major copies; nothing here refers back to the graph.
 *
 * @param node the node's label
 * @param output the loss's label
 * @param shape the node's shape
 * @param value the node's value
 * @param gradient dL/d(node), from a fresh backward pass (never from accumulated {@code grad} fields)
 * @param loss the output's value L
 * @param isOutput true when the node is the output itself, whose gradient is 1 by definition
 * @param contributions one per edge from the node to a consumer, in recording order; they add up to {@code gradient}
 * @param paths the path decomposition, or null when the graph between the node and the output is not scalar
 * @param noPathsReason why {@code paths} is null
 * @param nudges first-order prediction against the measured change, one per ε
 * @param kinks the kinks on the edges leaving the node (which one-sided slope autodiff used)
 */
public record Explanation(String node, String output, int[] shape, double[] value, double[] gradient,
    double loss, boolean isOutput, List<Contribution> contributions, Paths paths, String noPathsReason,
    List<Nudge> nudges, List<Kink> kinks) {

  /**
   * One consumer's share of the gradient: {@code contribution = upstream × local derivative} (a
   * vector-Jacobian product for tensors).
   *
   * @param consumer the consuming node's label
   * @param op its op's label
   * @param consumerInputs the labels of all the consumer's inputs, in order
   * @param inputIndex which of its inputs the node is
   * @param upstream dL/d(consumer)
   * @param localDerivative d(consumer)/d(node) when both hold one value, else NaN (a Jacobian then)
   * @param contribution what the edge adds to dL/d(node), of the node's shape
   * @param consumerShape the consumer's shape
   * @param kinks kinks of the consumer's op on this edge
   */
  public record Contribution(String consumer, String op, List<String> consumerInputs, int inputIndex, double[] upstream,
      double localDerivative, double[] contribution, int[] consumerShape, List<Kink> kinks) {}

  /**
   * Paths from the node to the output.
   *
   * @param count how many paths there are (a double: counts grow exponentially with depth)
   * @param top the largest paths by |product|, largest first
   * @param topSum the sum of their products
   * @param remainder gradient − topSum: what all the other paths add up to
   * @param sumOverAllPaths Σ over all paths of their products, by dynamic programming; equals the gradient
   * @param complete true when {@code top} holds every path (the remainder is then only rounding)
   */
  public record Paths(double count, List<Path> top, double topSum, double remainder, double sumOverAllPaths,
      boolean complete) {}

  /**
   * One path: {@code nodes[0]} (the explained node) → … → the output, through {@code ops}, with the
   * local partial derivative of each step and their product.
   */
  public record Path(List<String> nodes, List<String> ops, double[] partials, double product, boolean throughKink) {
    /**
     * {@code h1 -[mul ×-0.22]-> p -[add ×1]-> s2 … = -0.0123}; a path of more than 8 steps shows its
     * first and last 3 steps.
     */
    public String describe() {
      StringBuilder sb = new StringBuilder(nodes.get(0));
      int n = partials.length;
      for (int i = 0; i < n; i++) {
        if (n > 8 && i == 3) {
          sb.append(" -[… ").append(n - 6).append(" more steps …]-> ").append(nodes.get(n - 3));
          i = n - 4;
          continue;
        }
        sb.append(" -[").append(ops.get(i)).append(" ×").append(number(partials[i])).append("]-> ").append(nodes.get(i + 1));
      }
      return sb.append(" = ").append(number(product)).append(throughKink ? "  (through a kink)" : "").toString();
    }
  }

  /**
   * Element {@code element} of the node moved by {@code epsilon}: the change in L that the gradient
   * predicts ({@code gradient[element]·ε}) and the change measured by replaying the graph.
   */
  public record Nudge(int element, double epsilon, double predicted, double actual) {
    /** actual − predicted: the part of the change that is not first order. */
    public double difference() {
      return actual - predicted;
    }
  }

  /**
   * Σ of the contributions, in recording order: equals {@code gradient} (to rounding). For the output
   * itself, which has no consumers, it is the seed 1 that every backward pass starts from.
   */
  public double[] contributionSum() {
    if (isOutput) {
      return gradient.clone();
    }
    double[] s = new double[gradient.length];
    for (Contribution c : contributions) {
      for (int i = 0; i < s.length; i++) {
        s[i] += c.contribution()[i];
      }
    }
    return s;
  }

  private String values(double[] v) {
    return Format.values(v, shape, 8);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    boolean scalar = gradient.length == 1;
    sb.append("d").append(output).append("/d").append(node).append(" = ").append(values(gradient))
        .append("   (").append(node).append(" = ").append(values(value)).append(", ").append(output)
        .append(" = ").append(number(loss)).append(")\n\n");
    sb.append("What it means: ");
    if (isOutput) {
      sb.append(node).append(" is the output itself, so its gradient is 1 by definition: this is where "
          + "every backward pass starts.\n");
    } else if (scalar) {
      sb.append("nudging ").append(node).append(" by a small ε changes ").append(output).append(" by about ")
          .append(number(gradient[0])).append("·ε. It is not ").append(node).append("'s \"share of the error\": it is a rate of change.\n");
    } else {
      sb.append("each element says how fast ").append(output).append(" changes when that element alone "
          + "is nudged: ").append(output).append(" changes by about gradient[i]·ε.\n");
    }

    if (!isOutput) {
      // One contribution per use: x*x uses x twice, so count the consumers apart (a consumer's uses come together).
      int consumers = 0;
      for (int i = 0; i < contributions.size(); i++) {
        Contribution c = contributions.get(i);
        Contribution before = i == 0 ? null : contributions.get(i - 1);
        boolean sameConsumer = before != null && before.consumer().equals(c.consumer())
            && before.consumerInputs().equals(c.consumerInputs()) && before.inputIndex() < c.inputIndex();
        consumers += sameConsumer ? 0 : 1;
      }
      int uses = contributions.size();
      sb.append("\nOne step of the chain rule: ").append(node).append(" is used by ").append(consumers)
          .append(consumers == 1 ? " node" : " nodes")
          .append(uses == consumers ? "; each passes back" : " (" + uses + " uses); each use passes back")
          .append(" (its own gradient) × (its local derivative):\n");
      for (Contribution c : contributions) {
        sb.append("  via ").append(c.consumer()).append(" = ").append(c.op()).append('(')
            .append(String.join(", ", c.consumerInputs())).append("): ");
        if (!Double.isNaN(c.localDerivative())) {
          sb.append("d").append(output).append("/d").append(c.consumer()).append(" = ").append(number(c.upstream()[0]))
              .append(" × d").append(c.consumer()).append("/d").append(node).append(" = ").append(number(c.localDerivative()))
              .append("  →  ").append(number(c.contribution()[0]));
        } else {
          sb.append("upstream ").append(Format.values(c.upstream(), c.consumerShape(), 8)).append(" through the Jacobian  →  ")
              .append(values(c.contribution()));
        }
        sb.append('\n');
        for (Kink k : c.kinks()) {
          sb.append("      kink: ").append(k.describe()).append('\n');
        }
      }
      sb.append("  sum of contributions = ").append(values(contributionSum())).append(" = d").append(output).append("/d")
          .append(node).append('\n');
    }

    if (paths != null && !isOutput) {
      sb.append("\nAll paths from ").append(node).append(" to ").append(output).append(": ")
          .append(number(paths.count())).append(paths.count() == 1 ? " path" : " paths")
          .append("; each path's product of local derivatives, summed over all paths, is the gradient.\n");
      for (Path p : paths.top()) {
        sb.append("  ").append(p.describe()).append('\n');
      }
      String total = number(paths.topSum() + paths.remainder()) + " = d" + output + "/d" + node;
      if (!paths.complete()) {
        sb.append("  the top ").append(paths.top().size()).append(" sum to ").append(number(paths.topSum()))
            .append("; the other ").append(number(paths.count() - paths.top().size())).append(" paths add ")
            .append(number(paths.remainder())).append("; total ").append(total).append('\n');
      } else if (paths.top().size() == 1) {
        sb.append("  the only path gives ").append(total).append('\n');
      } else {
        sb.append("  all ").append(paths.top().size()).append(" paths sum to ").append(total).append('\n');
      }    } else if (noPathsReason != null) {
      sb.append("\n(").append(noPathsReason).append(")\n");
    }

    if (!nudges.isEmpty() && !isOutput) {
      Nudge first = nudges.get(0);
      sb.append("\nPrediction against reality (").append(node).append(scalar ? "" : "[" + first.element() + "]")
          .append(" moved by ε, graph downstream replayed):\n");
      sb.append(String.format(Locale.ROOT, "  %-10s %-18s %-18s %s%n", "ε", "predicted ΔL", "actual ΔL", "difference"));
      for (Nudge n : nudges) {
        sb.append(String.format(Locale.ROOT, "  %-10s %-18s %-18s %s%n", number(n.epsilon()), number(n.predicted()),
            number(n.actual()), number(n.difference())));
      }
      sb.append("  The difference shrinks like ε² (the curvature term): the gradient is the first-order "
          + "prediction, exact only in the limit.\n");
    }
    if (!kinks.isEmpty()) {
      sb.append("\nNote: ").append(node).append(" sits on a kink, where the derivative has two one-sided values; "
          + "the gradient above uses the one autodiff picked.\n");
    }
    return sb.toString();
  }
}
