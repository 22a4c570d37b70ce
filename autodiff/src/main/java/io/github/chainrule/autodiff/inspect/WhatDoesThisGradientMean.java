package io.github.chainrule.autodiff.inspect;

import io.github.chainrule.autodiff.Tensor;

/**
 * The README's "what does this gradient mean?" example: the classic 2-2-1 sigmoid network, one
 * scalar per node, on input (1, 0) with target 1 and loss ½(o − y)². It explains the gradient of the
 * first hidden unit's output, then checks every node's gradient numerically (the one-line verdict;
 * print the whole result for the table).
 *
 * <pre>
 * mvn -q -pl autodiff compile exec:java -Dexec.mainClass=io.github.chainrule.autodiff.inspect.WhatDoesThisGradientMean
 * </pre>
 */
public final class WhatDoesThisGradientMean {
  private WhatDoesThisGradientMean() {}

  public static void main(String[] args) {
    Tensor i1 = Tensor.scalar(1.0).named("I1");
    Tensor i2 = Tensor.scalar(0.0).named("I2");
    Tensor s1 = p(-0.07, "w_I1H1").mul(i1).add(p(0.22, "w_I2H1").mul(i2)).add(p(-0.46, "b_H1")).named("s1");
    Tensor h1 = s1.sigmoid().named("H1");
    Tensor s2 = p(0.95, "w_I1H2").mul(i1).add(p(0.46, "w_I2H2").mul(i2)).add(p(0.10, "b_H2")).named("s2");
    Tensor h2 = s2.sigmoid().named("H2");
    Tensor s3 = p(-0.22, "w_H1O1").mul(h1).add(p(0.58, "w_H2O1").mul(h2)).add(p(0.78, "b_O1")).named("s3");
    Tensor o1 = s3.sigmoid().named("O1");
    Tensor loss = o1.sub(1.0).square().mul(0.5).named("loss");
    loss.backward();

    System.out.println(Explain.explain(h1, loss));
    System.out.println("Every node's gradient, checked by nudging the node and replaying the graph after it:");
    System.out.println(NodeCheck.check(loss).summary());
  }

  private static Tensor p(double value, String name) {
    return Tensor.scalar(value).named(name).requiresGrad();
  }
}
