package io.github.chainrule.app.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.app.cli.Expressions;
import io.github.chainrule.app.cli.GradJson;
import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Expression;
import io.github.chainrule.autodiff.inspect.Explain;
import io.github.chainrule.autodiff.inspect.Explanation;
import io.github.chainrule.autodiff.Kink;
import io.github.chainrule.autodiff.inspect.NodeCheck;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.graph.EdgeContributions;
import io.github.chainrule.viz.graph.TensorGraph;
import java.io.IOException;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The explorer's routes: an expression at a point, its graph with every node's value and gradient,
 * one node's chain rule, and the backward pass one node at a time. Each request builds the graph
 * afresh through the public API, as {@code chainrule grad} does; nothing is kept between requests
 * but the cached layouts.
 */
final class Explorer {
  static final Set<String> GRAD_FIELDS = Set.of("expression", "at");
  static final Set<String> FIELDS = Set.of("expression", "at", "output", "layout", "node");

  private final Limits limits;
  private final GraphSvg layouts = new GraphSvg();

  Explorer(Limits limits) {
    this.limits = limits;
  }

  /** {@code POST /api/grad}: exactly what {@code chainrule grad --json} prints. */
  String grad(byte[] body) throws IOException {
    ObjectNode req = Requests.object(body, "grad", GRAD_FIELDS);
    String expression = Requests.string(req, "grad", "expression", limits.expressionChars());
    Map<String, Double> at = Requests.values(req, "grad", "at", limits.variables());
    Expression e = parse(expression);
    checkSize(e, at);
    return GradJson.evaluate(expression, at, "at");
  }

  /** An expression built at a point, back-propagated from the chosen output node. */
  private record Built(Expression expression, Map<String, Tensor> inputs, TensorGraph full, Tensor output,
      TensorGraph graph, int outputId) {}

  private Built build(ObjectNode req, String route) {
    String expression = Requests.string(req, route, "expression", limits.expressionChars());
    Map<String, Double> at = Requests.values(req, route, "at", limits.variables());
    Expression e = parse(expression);
    checkSize(e, at);
    // The page keeps its sliders while the expression is edited: values of variables the new text
    // no longer uses are ignored, and a new variable starts at 1 (grad, like the command line, is strict).
    Map<String, Double> point = new LinkedHashMap<>();
    for (String v : e.variables()) {
      point.put(v, at.getOrDefault(v, 1.0));
    }
    Map<String, Tensor> inputs = bind(e, point);
    Tensor root = e.build(inputs);
    TensorGraph full = TensorGraph.of(root);
    if (full.size() > limits.graphNodes()) {
      throw ApiError.tooLarge(route + ": the expression's graph has " + full.size() + " nodes; the playground "
          + "draws at most " + limits.graphNodes());
    }
    int outputId = Requests.optionalInt(req, route, "output", full.id(root), 0, full.size() - 1);
    Tensor output = full.node(outputId);
    if (output.size() != 1) {
      throw ApiError.badRequest(route + ": the output must hold one value; node " + output.label() + " has shape "
          + Arrays.toString(output.shapeRef()));
    }
    if (output.needsGrad()) {
      Backward.from(output).run();
    }
    return new Built(e, inputs, full, output, TensorGraph.of(output), outputId);
  }

  private static Expression parse(String expression) {
    try {
      return Expressions.parse(expression);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  private static Map<String, Tensor> bind(Expression e, Map<String, Double> at) {
    try {
      return Expressions.scalars(e, at, "at");
    } catch (IllegalArgumentException ex) {
      throw ApiError.badRequest(ex.getMessage());
    }
  }

  /** The parser caps length and depth; the variables are capped here before anything is built. */
  private void checkSize(Expression e, Map<String, Double> at) {
    if (e.variables().size() > limits.variables()) {
      throw ApiError.tooLarge("the expression has " + e.variables().size() + " variables; the limit is "
          + limits.variables());
    }
  }

  /** {@code POST /api/explore}: values, gradients, edge contributions, and the layout when the page lacks it. */
  ObjectNode explore(byte[] body) {
    ObjectNode req = Requests.object(body, "explore", FIELDS);
    Built b = build(req, "explore");
    ObjectNode out = Requests.JSON.createObjectNode();
    out.put("expression", b.expression().source());
    ObjectNode at = out.putObject("at");
    b.inputs().forEach((name, t) -> at.put(name, t.item()));
    out.put("output", b.outputId());
    out.put("outputName", b.output().label());
    out.put("value", b.output().item());
    ObjectNode gradient = out.putObject("gradient");
    b.inputs().forEach((name, t) -> {
      if (t.hasGrad() && b.graph().contains(t)) {
        gradient.put(name, t.grad().item());
      } else {
        gradient.put(name, 0.0);
      }
    });
    ArrayNode choices = out.putArray("outputs");
    for (Tensor t : b.full().nodes()) {
      if (t.size() == 1) {
        choices.addObject().put("id", b.full().id(t)).put("name", t.label());
      }
    }
    int limit = DotOptions.defaults().valueLimit();
    boolean matrices = false;
    ArrayNode nodes = out.putArray("nodes");
    for (Tensor t : b.graph().nodes()) {
      matrices |= t.rank() >= 2;
      ObjectNode n = nodes.addObject();
      n.put("id", b.full().id(t));
      n.put("dot", "n" + b.graph().id(t));
      n.put("name", t.label());
      n.put("op", GradJson.opOf(t));
      n.put("role", b.graph().role(t).word());
      n.put("value", t.item());
      n.put("valueText", "value " + Format.values(t.data(), t.shapeRef(), limit));
      if (t.hasGrad()) {
        n.put("gradient", t.grad().item());
        n.put("gradientText", "grad " + Format.values(t.grad().data(), t.shapeRef(), limit));
      } else {
        n.putNull("gradient");
      }
    }
    EdgeContributions contributions = EdgeContributions.recompute(b.graph());
    ArrayNode edges = out.putArray("edges");
    for (Tensor t : b.graph().nodes()) {
      int v = b.graph().id(t);
      for (int j = 0; j < b.graph().inputCount(v); j++) {
        int u = b.graph().inputId(v, j);
        ObjectNode edge = edges.addObject().put("from", "n" + u).put("to", "n" + v).put("index", j);
        Tensor c = contributions.get(t, j);
        if (c != null) {
          edge.put("contribution", c.item());
          edge.put("text", Format.values(c.data(), c.shapeRef(), limit));
        }
      }
    }
    // The layout depends on the structure, not the values: same expression and output, same picture.
    // Matrices print one row per line, so their text cannot be swapped in place: lay them out again.
    StringBuilder key = new StringBuilder(b.expression().source()).append('#').append(b.outputId());
    b.inputs().forEach((name, t) -> key.append('#').append(Arrays.toString(t.shapeRef())));
    // The DOT text is only written when the page needs a layout (or for matrices, whose key it is).
    String dot = matrices ? DotExporter.toDot(b.output(), dotOptions()) : null;
    String layoutKey = matrices ? key + "#" + dot.hashCode() : key.toString();
    out.put("layout", Integer.toHexString(layoutKey.hashCode()) + "-" + layoutKey.length());
    if (!out.get("layout").asText().equals(req.path("layout").asText(""))) {
      try {
        out.put("svg", layouts.layout(layoutKey, dot != null ? dot : DotExporter.toDot(b.output(), dotOptions())));
      } catch (ApiError e) {
        out.put("svgError", e.getMessage());
      }
    }
    return out;
  }

  private static DotOptions dotOptions() {
    // As chainrule grad draws it: a '.' in "0.5*x" must not start a cluster.
    return DotOptions.defaults().withEdgeLabels(true).withClusters(false);
  }

  /** {@code POST /api/explain}: the clicked node's chain rule and its numerical check. */
  ObjectNode explain(byte[] body) {
    ObjectNode req = Requests.object(body, "explain", FIELDS);
    Built b = build(req, "explain");
    int id = Requests.optionalInt(req, "explain", "node", b.outputId(), 0, b.full().size() - 1);
    Tensor node = b.full().node(id);
    ObjectNode out = Requests.JSON.createObjectNode();
    out.put("node", id);
    out.put("name", node.label());
    if (!b.graph().contains(node) || !node.needsGrad()) {
      out.put("explanation", node.label() + " is " + (node.needsGrad() ? "not an input of the output "
          + b.output().label() : "a constant: nothing depends on it having a gradient") + ".");
      return out;
    }
    Explanation x = Explain.explain(node, b.output());
    out.put("explanation", x.toString());
    out.put("gradient", x.gradient()[0]);
    ArrayNode cs = out.putArray("contributions");
    for (Explanation.Contribution c : x.contributions()) {
      cs.addObject().put("consumer", c.consumer()).put("op", c.op()).put("upstream", c.upstream()[0])
          .put("localDerivative", c.localDerivative()).put("contribution", c.contribution()[0]);
    }
    ArrayNode nudges = out.putArray("nudges");
    for (Explanation.Nudge n : x.nudges()) {
      nudges.addObject().put("epsilon", n.epsilon()).put("predicted", n.predicted()).put("actual", n.actual());
    }
    NodeCheck.Result check = NodeCheck.check(b.output());
    ObjectNode nc = out.putObject("check");
    NodeCheck.NodeResult r = check.byNode().get(node);
    if (r != null) {
      nc.put("status", r.status().name()).put("maxAbsError", r.maxAbsError()).put("maxRelError", r.maxRelError());
    }
    ArrayNode entries = nc.putArray("entries");
    for (NodeCheck.Entry e : check.entries()) {
      if (e.node().equals(node.label())) {
        ObjectNode en = entries.addObject().put("element", e.element()).put("autodiff", e.analytic())
            .put("numeric", e.numeric()).put("absError", e.absError()).put("status", e.status().name());
        ArrayNode kinks = en.putArray("kinks");
        for (Kink k : e.kinks()) {
          kinks.add(k.describe());
        }
      }
    }
    nc.put("summary", check.summary());
    return out;
  }

  /**
   * {@code POST /api/steps}: the forward pass node by node, then the backward pass in the engine's
   * own order: what the engine reports through {@code onEdge}, with each receiver's running sum.
   */
  ObjectNode steps(byte[] body) {
    ObjectNode req = Requests.object(body, "steps", FIELDS);
    Built b = build(req, "steps");
    int limit = DotOptions.defaults().valueLimit();
    TensorGraph g = b.graph();
    ObjectNode out = Requests.JSON.createObjectNode();
    ArrayNode forward = out.putArray("forward");
    for (Tensor t : g.nodes()) {
      ObjectNode s = forward.addObject().put("node", "n" + g.id(t)).put("name", t.label())
          .put("valueText", "value " + Format.values(t.data(), t.shapeRef(), limit));
      ArrayNode from = s.putArray("inputs");
      for (int j = 0; j < g.inputCount(g.id(t)); j++) {
        from.add("n" + g.inputId(g.id(t), j));
      }
    }
    ArrayNode backward = out.putArray("backward");
    if (!b.output().needsGrad()) {
      return out;
    }
    Tensor[] order = Backward.topologicalOrder(b.output());
    Map<Tensor, ObjectNode> stepOf = new IdentityHashMap<>();
    for (int i = order.length - 1; i >= 0; i--) {
      Tensor t = order[i];
      ObjectNode s = backward.addObject().put("node", "n" + g.id(t)).put("name", t.label());
      s.putArray("sends");
      stepOf.put(t, s);
    }
    Map<Tensor, double[]> running = new IdentityHashMap<>();
    Map<Tensor, Integer> received = new IdentityHashMap<>();
    // A fresh pass over the same graph, recording what the engine sends along each edge as it goes.
    for (Tensor t : order) {
      t.zeroGrad();
    }
    Backward.from(b.output()).onEdge((consumer, j, c) -> {
      Tensor in = consumer.inputs().get(j);
      double[] sum = running.computeIfAbsent(in, k -> new double[c.size()]);
      for (int k = 0; k < sum.length; k++) {
        sum[k] += c.data()[k];
      }
      int n = received.merge(in, 1, Integer::sum);
      ((ArrayNode) stepOf.get(consumer).get("sends")).addObject()
          .put("from", "n" + g.id(consumer)).put("to", "n" + g.id(in)).put("toName", in.label()).put("index", j)
          .put("contribution", c.item())
          .put("text", Format.values(c.data(), c.shapeRef(), limit))
          .put("received", n)
          .put("sumText", "grad " + Format.values(sum, in.shapeRef(), limit))
          .put("sum", sum[0]);
    }).run();
    for (Tensor t : order) {
      stepOf.get(t).put("gradientText", "grad " + Format.values(t.grad().data(), t.shapeRef(), limit))
          .put("gradient", t.grad().item());
    }
    return out;
  }
}
