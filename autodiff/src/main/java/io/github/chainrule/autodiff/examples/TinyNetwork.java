package io.github.chainrule.autodiff.examples;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.GradCheck;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The README's first example: the 2-2-1 sigmoid network from Jeff Heaton's "Introduction to the
 * Math of Neural Networks" on input (1, 0) with target 1. It back-propagates the loss ½(o − 1)²,
 * prints every node's name, op, value and gradient, then checks the parameters' gradients against
 * central differences.
 */
public final class TinyNetwork {
  private TinyNetwork() {}

  public static void main(String[] args) {
    Tensor x = Tensor.vector(1.0, 0.0).named("x");
    Tensor w1 = Tensor.of(new double[][] {{-0.07, 0.22}, {0.95, 0.46}}).named("W1").requiresGrad();
    Tensor b1 = Tensor.vector(-0.46, 0.10).named("b1").requiresGrad();
    Tensor w2 = Tensor.of(new double[][] {{-0.22, 0.58}}).named("W2").requiresGrad();
    Tensor b2 = Tensor.vector(0.78).named("b2").requiresGrad();

    Tensor loss = network(x, w1, b1, w2, b2);
    loss.backward();

    System.out.println("Every node of the graph, inputs first (gradients are dL/d(node)):");
    System.out.printf("%-10s %-12s %-28s %s%n", "node", "op", "value", "gradient");
    for (Tensor node : nodesInputsFirst(loss)) {
      System.out.printf("%-10s %-12s %-28s %s%n", node.label(),
          node.isLeaf() ? (node.needsGrad() ? "parameter" : "input") : node.op().label(),
          Format.values(node.data(), node.shapeRef(), 8),
          node.hasGrad() ? Format.values(node.grad().data(), node.shapeRef(), 8) : "(not required)");
    }

    System.out.println();
    System.out.println("Numerical check of the parameters' gradients (central differences):");
    GradCheck.Result check = GradCheck.check(p -> network(x, p[0], p[1], p[2], p[3]), w1, b1, w2, b2);
    System.out.println(check);
  }

  static Tensor network(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
    Tensor s1 = w1.matmul(x).add(b1).named("s1");
    Tensor h = s1.sigmoid().named("h");
    Tensor s2 = w2.matmul(h).add(b2).named("s2");
    Tensor o = s2.sigmoid().named("o");
    Tensor error = o.sub(1.0).named("error");
    return error.square().sum().mul(0.5).named("loss");
  }

  /** All nodes the output depends on, each after its inputs (so the table reads like the forward pass). */
  static List<Tensor> nodesInputsFirst(Tensor output) {
    Map<Tensor, Boolean> seen = new IdentityHashMap<>();
    List<Tensor> order = new ArrayList<>();
    Deque<Tensor> stack = new ArrayDeque<>();
    stack.push(output);
    while (!stack.isEmpty()) {
      Tensor t = stack.pop();
      if (seen.put(t, Boolean.TRUE) != null) {
        continue;
      }
      order.add(t);
      List<Tensor> in = new ArrayList<>(t.inputs());
      Collections.reverse(in);
      in.forEach(stack::push);
    }
    Collections.reverse(order);
    return order;
  }
}
