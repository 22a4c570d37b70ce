package io.github.chainrule.app.gallery;

import static io.github.chainrule.app.gallery.Pages.num;
import static io.github.chainrule.app.gallery.Pages.row;

import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.Explain;
import io.github.chainrule.autodiff.inspect.Explanation;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.optim.Sgd;
import io.github.chainrule.viz.dot.DotOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Jeff Heaton's worked example, number by number: the 2-2-1 sigmoid network on the XOR row (1, 0)
 * with target 1 and loss ½(o − y)². Autodiff gives dL/d(node) for every node; the book's "node
 * deltas" are −dL/d(sum) at each neuron and its "gradients" are delta × the output feeding the
 * weight, that is −dL/dw. One SGD update with learning rate 0.7 and momentum 0.3 follows, then a
 * second, where momentum first shows.
 */
final class NodeGradients implements Demo {
  static final double LEARNING_RATE = 0.7;
  static final double MOMENTUM = 0.3;
  static final double[] INPUT = {1.0, 0.0};
  static final double TARGET = 1.0;

  /** The book's names for the nine weights, in {@link #weights} order. */
  static final String[] WEIGHT_NAMES = {
      "I1->H1", "I2->H1", "B1->H1", "I1->H2", "I2->H2", "B1->H2", "H1->O1", "H2->O1", "B2->O1"};

  @Override
  public String name() {
    return "node-gradients";
  }

  @Override
  public String title() {
    return "Heaton's 2-2-1 sigmoid network: node deltas, gradients and one SGD update, number by number";
  }

  /** What the demo computes, before any page is written. */
  record Numbers(double output, double loss, double[] sums, double[] outputs, double[] nodeDeltas,
      double[] weightsBefore, double[] dLdw, double[] bookGradients, double[] weightsAfter1, double lossAfter1,
      double[] weightsAfter2, double lossAfter2) {}

  /** The nine weights in the book's order, from the network's parameters. */
  static double[] weights(HeatonNetwork net) {
    return nine(net.hidden.weight().data(), net.hidden.bias().data(), net.output.weight().data(),
        net.output.bias().data());
  }

  private static double[] grads(HeatonNetwork net) {
    return nine(net.hidden.weight().grad().data(), net.hidden.bias().grad().data(),
        net.output.weight().grad().data(), net.output.bias().grad().data());
  }

  private static double[] nine(double[] w1, double[] b1, double[] w2, double[] b2) {
    return new double[] {w1[0], w1[1], b1[0], w1[2], w1[3], b1[1], w2[0], w2[1], b2[0]};
  }

  private static Tensor input() {
    return Tensor.vector(INPUT).named("x");
  }

  private static Tensor target() {
    return Tensor.vector(TARGET).named("target");
  }

  /** ½(o − y)², named for the graph. */
  static Tensor loss(HeatonNetwork.Pass pass) {
    return Losses.halfSse().compute(pass.o(), target()).named("loss");
  }

  /** The network with the book's weights after one forward and backward pass: every node holds its gradient. */
  record Graph(HeatonNetwork net, HeatonNetwork.Pass pass, Tensor loss) {}

  static Graph afterBackward() {
    HeatonNetwork net = HeatonNetwork.published();
    HeatonNetwork.Pass pass = net.trace(input());
    Tensor loss = loss(pass);
    loss.backward();
    return new Graph(net, pass, loss);
  }

  Numbers compute() {
    Graph g = afterBackward();
    HeatonNetwork net = g.net();
    HeatonNetwork.Pass pass = g.pass();
    Tensor loss = g.loss();
    Sgd sgd = Sgd.builder(LEARNING_RATE).momentum(MOMENTUM).build(net);
    double o = pass.o().item();
    double[] s1 = pass.s1().toArray();
    double[] h = pass.h().toArray();
    double s2 = pass.s2().item();
    // The book's node delta is minus the gradient of the loss with respect to the neuron's weighted sum.
    double[] deltas = {-pass.s1().grad().data()[0], -pass.s1().grad().data()[1], -pass.s2().grad().item()};
    double[] before = weights(net);
    double[] dLdw = grads(net);
    // The book's gradient: the delta of the neuron the weight feeds, times what flows along the weight.
    double[] feed = {INPUT[0], INPUT[1], 1.0, INPUT[0], INPUT[1], 1.0, h[0], h[1], 1.0};
    double[] deltaOf = {deltas[0], deltas[0], deltas[0], deltas[1], deltas[1], deltas[1], deltas[2], deltas[2],
        deltas[2]};
    double[] book = new double[9];
    for (int i = 0; i < 9; i++) {
      // + 0.0 turns the -0.0 of a zero feed into 0.0, which reads better in tables.
      book[i] = deltaOf[i] * feed[i] + 0.0;
    }
    sgd.step();
    double[] after1 = weights(net);
    double lossAfter1 = step(net, sgd);
    double[] after2 = weights(net);
    double lossAfter2;
    try (var scope = Tensor.noGrad()) {
      lossAfter2 = loss(net.trace(input())).item();
    }
    return new Numbers(o, loss.item(), new double[] {s1[0], s1[1], s2}, new double[] {h[0], h[1], o}, deltas,
        before, dLdw, book, after1, lossAfter1, after2, lossAfter2);
  }

  /** Forward, backward and one more update; returns the loss before the update. */
  private static double step(HeatonNetwork net, Sgd sgd) {
    sgd.zeroGrad();
    Tensor loss = loss(net.trace(input()));
    loss.backward();
    sgd.step();
    return loss.item();
  }

  @Override
  public DemoResult run(Path outDir) throws IOException {
    Pages page = new Pages(outDir, "node-gradients: Heaton's network, every delta and gradient explained");
    Numbers n = compute();
    page.report().paragraph(reading(n));
    // A graph of its own: the optimiser in compute() changed the parameters' values in place.
    Graph g = afterBackward();
    page.graph("The graph after backward(): each node's value and dL/d(node); edges carry upstream x local",
        "graph", g.loss(), DotOptions.defaults().withEdgeLabels(true)
            .withTitle("Heaton's 2-2-1 network, input (1, 0), target 1, loss = 1/2 (o - y)^2"));
    List<List<String>> nodes = new ArrayList<>();
    for (Tensor t : List.of(g.pass().x(), g.net().hidden.weight(), g.net().hidden.bias(), g.pass().s1(),
        g.pass().h(), g.net().output.weight(), g.net().output.bias(), g.pass().s2(), g.pass().o(), g.loss())) {
      String op = t.op() == null ? (t.needsGrad() ? "parameter" : "input") : t.op().label();
      nodes.add(row(t.label(), op, Format.values(t.data(), t.shapeRef(), 8),
          t.hasGrad() ? Format.values(t.grad().data(), t.shapeRef(), 8) : "not required"));
    }
    page.report().table("Every node: value and gradient dL/d(node)", List.of("node", "op", "value",
        "gradient dL/d(node)"), nodes);
    explainSection(page, g);
    page.report().table("The book's node deltas: delta = -dL/d(sum)", List.of("neuron", "weighted sum",
        "output", "delta (book)", "dL/d(sum) (autodiff)", "what it means"), deltaRows(n));
    page.report().table("The book's gradients: delta x output feeding the weight = -dL/dw",
        List.of("weight", "value", "delta x feed (book)", "dL/dw (autodiff)", "what it means"), gradientRows(n));
    page.report().table("SGD with learning rate 0.7 and momentum 0.3",
        List.of("weight", "start", "after update 1", "change 1", "after update 2", "change 2"), updateRows(n));
    page.report().paragraph("Update 1: each weight moves by -0.7 x dL/dw, which is +0.7 x the book's gradient. "
        + "Momentum has nothing to carry yet, so 0.3 changes nothing in the first update (the book's "
        + "alpha x previous change is 0 x 0.3). Update 2: each change is -0.7 x the new dL/dw plus 0.3 x the first "
        + "change, the book's rule and torch.optim.SGD's alike. The loss goes from " + num(n.loss()) + " to "
        + num(n.lossAfter1()) + " after one update and " + num(n.lossAfter2()) + " after two.");
    Path report = page.write();
    Map<String, Double> keys = keyNumbers(n);
    List<String> summary = List.of(
        String.format(Locale.ROOT, "output o = %s, loss = %s (target 1, input (1, 0))", num(n.output()), num(n.loss())),
        String.format(Locale.ROOT,
            "node deltas (-dL/dsum): O1 %s, H1 %s, H2 %s", num(n.nodeDeltas()[2]), num(n.nodeDeltas()[0]),
            num(n.nodeDeltas()[1])),
        String.format(Locale.ROOT,
            "book gradients: H1->O1 %s, H2->O1 %s, B2->O1 %s, I1->H1 %s, I1->H2 %s", num(n.bookGradients()[6]),
            num(n.bookGradients()[7]), num(n.bookGradients()[8]), num(n.bookGradients()[0]), num(n.bookGradients()[3])),
        String.format(Locale.ROOT,
            "after one SGD update (lr 0.7, momentum 0.3): H1->O1 %s, H2->O1 %s, B2->O1 %s; loss %s -> %s",
            num(n.weightsAfter1()[6]), num(n.weightsAfter1()[7]), num(n.weightsAfter1()[8]), num(n.loss()),
            num(n.lossAfter1())));
    return new DemoResult(name(), report, summary, keys);
  }

  /**
   * What Explain says about O1's weighted sum: the single path to the loss, its local derivatives
   * and their product (minus the book's delta), and nudges that check the prediction.
   */
  private static void explainSection(Pages page, Graph g) {
    Explanation e = Explain.explain(g.pass().s2(), g.loss());
    List<List<String>> rows = new ArrayList<>();
    if (e.paths() != null) {
      for (Explanation.Path path : e.paths().top()) {
        rows.add(row("path", path.describe()));
      }
    }
    for (Explanation.Nudge nudge : e.nudges()) {
      rows.add(row("raise it by " + num(nudge.epsilon()), "predicted change of the loss " + num(nudge.predicted())
          + ", measured by replaying the graph " + num(nudge.actual())));
    }
    page.report().table("Explain: dL/d(output.sum) = " + num(e.gradient()[0]) + ", the product of the local "
        + "derivatives along the path to the loss (the book's delta O1 is minus this)", List.of("what", "explanation"),
        rows);
  }

  static Map<String, Double> keyNumbers(Numbers n) {
    Map<String, Double> keys = new LinkedHashMap<>();
    keys.put("output", n.output());
    keys.put("loss", n.loss());
    keys.put("delta O1", n.nodeDeltas()[2]);
    keys.put("delta H1", n.nodeDeltas()[0]);
    keys.put("delta H2", n.nodeDeltas()[1]);
    for (int i = 0; i < 9; i++) {
      keys.put("gradient " + WEIGHT_NAMES[i], n.bookGradients()[i]);
    }
    for (int i = 0; i < 9; i++) {
      keys.put("updated " + WEIGHT_NAMES[i], n.weightsAfter1()[i]);
    }
    keys.put("loss after update", n.lossAfter1());
    keys.put("loss after second update", n.lossAfter2());
    return keys;
  }

  private static String reading(Numbers n) {
    return "For input (1, 0) the network outputs o = " + num(n.output()) + " against a target of 1: the error o - y is "
        + num(n.output() - TARGET) + " and the loss 1/2 (o - y)^2 is " + num(n.loss()) + ". Autodiff gives dL/d(node) "
        + "for every node: how much the loss rises per unit rise of that node, everything else fixed. The book works "
        + "with the opposite sign. Its node delta is -dL/d(sum), the direction in which a neuron's weighted sum should "
        + "move to reduce the error: O1's delta is " + num(n.nodeDeltas()[2]) + " (raise O1's sum), H1's is "
        + num(n.nodeDeltas()[0]) + " (H1 feeds O1 through a negative weight, so its sum should fall) and H2's is "
        + num(n.nodeDeltas()[1]) + ". Its gradient for a weight is the delta of the neuron the weight feeds times "
        + "what flows along the weight, which is exactly -dL/dw; so where autodiff says dL/dw = "
        + num(n.dLdw()[6]) + " for H1->O1 the book says " + num(n.bookGradients()[6]) + ". The two conventions "
        + "agree on the update: the book adds learning rate x its gradient, SGD subtracts learning rate x dL/dw. "
        + "I2 is 0 for this input, so the weights leaving I2 have gradient 0 and do not move.";
  }

  private static List<List<String>> deltaRows(Numbers n) {
    String[] names = {"H1", "H2", "O1"};
    List<List<String>> rows = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      double d = n.nodeDeltas()[k];
      String meaning = k == 2
          ? "o(1-o) x (y - o) = " + num(n.outputs()[2] * (1 - n.outputs()[2])) + " x " + num(TARGET - n.output())
              + ": raising O1's sum by 0.01 lowers the loss by about " + num(0.01 * d)
          : "sigmoid'(sum) x weight to O1 x delta O1 = " + num(n.outputs()[k] * (1 - n.outputs()[k])) + " x "
              + num(n.weightsBefore()[6 + k]) + " x " + num(n.nodeDeltas()[2]) + ": raising " + names[k]
              + "'s sum by 0.01 " + (d > 0 ? "lowers" : "raises") + " the loss by about " + num(Math.abs(0.01 * d));
      rows.add(row(names[k], num(n.sums()[k]), num(n.outputs()[k]), num(d), num(-d), meaning));
    }
    return rows;
  }

  private static List<List<String>> gradientRows(Numbers n) {
    String[] feeds = {"I1 = 1", "I2 = 0", "B1 = 1", "I1 = 1", "I2 = 0", "B1 = 1", "H1 = " + num(n.outputs()[0]),
        "H2 = " + num(n.outputs()[1]), "B2 = 1"};
    String[] into = {"H1", "H1", "H1", "H2", "H2", "H2", "O1", "O1", "O1"};
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      double g = n.bookGradients()[i];
      String meaning = g == 0
          ? "nothing flows along it for this input (" + feeds[i] + "), so it cannot change the loss"
          : "delta " + into[i] + " x " + feeds[i] + "; raising the weight by 0.01 " + (g > 0 ? "lowers" : "raises")
              + " the loss by about " + num(Math.abs(0.01 * g));
      rows.add(row(WEIGHT_NAMES[i], num(n.weightsBefore()[i]), num(g), num(n.dLdw()[i]), meaning));
    }
    return rows;
  }

  private static List<List<String>> updateRows(Numbers n) {
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      rows.add(row(WEIGHT_NAMES[i], num(n.weightsBefore()[i]), num(n.weightsAfter1()[i]),
          num(n.weightsAfter1()[i] - n.weightsBefore()[i]), num(n.weightsAfter2()[i]),
          num(n.weightsAfter2()[i] - n.weightsAfter1()[i])));
    }
    return rows;
  }
}
