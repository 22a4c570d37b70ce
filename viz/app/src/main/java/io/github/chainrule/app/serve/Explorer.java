package io.github.chainrule.app.serve;

import com.fasterxml.jackson.databind.JsonNode;
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
  static final Set<String> FIELDS = Set.of("expression", "at", "output", "layout", "node", "element");

  private final Limits limits;
  private final GraphSvg layouts = new GraphSvg();

  Explorer(Limits limits) {
    this.limits = limits;
  }

  /** How many graphs this explorer has laid out (for tests: a value-only move lays out none). */
  long layoutsRendered() {
    return layouts.renders();
  }

  /** {@code POST /api/grad}: exactly what {@code chainrule grad --json} prints. */
  String grad(byte[] body) throws IOException {
    ObjectNode req = Requests.object(body, "grad", GRAD_FIELDS);
    String expression = Requests.string(req, "grad", "expression", limits.expressionChars());
    Map<String, Tensor> at = Requests.tensors(req, "grad", "at", limits.variables(), limits.elements());
    Expression e = parse(expression);
    checkSize(e);
    try {
      return GradJson.evaluateTensors(expression, at, "at");
    } catch (IllegalArgumentException ex) {
      throw ApiError.badRequest(ex.getMessage());
    }
  }

  /** An expression built at a point, back-propagated from the chosen output node. */
  private record Built(Expression expression, Map<String, Tensor> inputs, TensorGraph full, Tensor output,
      TensorGraph graph, int outputId) {}

  private Built build(ObjectNode req, String route) {
    String expression = Requests.string(req, route, "expression", limits.expressionChars());
    Map<String, Tensor> at = Requests.tensors(req, route, "at", limits.variables(), limits.elements());
    Expression e = parse(expression);
    checkSize(e);
    // The page keeps its sliders while the expression is edited: values of variables the new text
    // no longer uses are ignored, and a new variable starts at 1 (grad, like the command line, is strict).
    Map<String, Tensor> point = new LinkedHashMap<>();
    for (String v : e.variables()) {
      point.put(v, at.getOrDefault(v, Tensor.scalar(1.0)));
    }
    Map<String, Tensor> inputs = bind(e, point);
    Tensor root;
    try {
      root = e.build(inputs);
    } catch (IllegalArgumentException ex) {
      // Shapes that do not fit (W @ x with the wrong x): the op's own message names them.
      throw ApiError.badRequest(route + ": " + ex.getMessage());
    }
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

  private static Map<String, Tensor> bind(Expression e, Map<String, Tensor> at) {
    try {
      return Expressions.leaves(e, at, "at");
    } catch (IllegalArgumentException ex) {
      throw ApiError.badRequest(ex.getMessage());
    }
  }

  /** The parser caps length and depth; the variables are capped here before anything is built. */
  private void checkSize(Expression e) {
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
    ObjectNode shapes = out.putObject("shapes");
    b.inputs().forEach((name, t) -> {
      at.set(name, value(t));
      shapes.set(name, shape(t));
    });
    out.put("output", b.outputId());
    out.put("outputName", b.output().label());
    out.put("value", b.output().item());
    ObjectNode gradient = out.putObject("gradient");
    b.inputs().forEach((name, t) -> gradient.set(name,
        value(t.hasGrad() && b.graph().contains(t) ? t.grad() : Tensor.zeros(t.shapeRef()))));
    ArrayNode choices = out.putArray("outputs");
    for (Tensor t : b.full().nodes()) {
      if (t.size() == 1) {
        choices.addObject().put("id", b.full().id(t)).put("name", t.label());
      }
    }
    ArrayNode nodes = out.putArray("nodes");
    for (Tensor t : b.graph().nodes()) {
      ObjectNode n = nodes.addObject();
      n.put("id", b.full().id(t));
      n.put("dot", "n" + b.graph().id(t));
      n.put("name", t.label());
      n.put("op", GradJson.opOf(t));
      n.put("role", b.graph().role(t).word());
      n.set("shape", shape(t));
      n.set("value", value(t));
      n.put("valueText", "value " + Format.values(t.data(), t.shapeRef(), LIMIT));
      n.set("valueLines", lines("value ", t.data(), t.shapeRef()));
      if (t.hasGrad()) {
        n.set("gradient", value(t.grad()));
        n.put("gradientText", "grad " + Format.values(t.grad().data(), t.shapeRef(), LIMIT));
        n.set("gradientLines", lines("grad ", t.grad().data(), t.shapeRef()));
      } else {
        n.putNull("gradient");
      }
      n.put("warning", DotExporter.nonFiniteWarning(t));
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
          edge.set("contribution", value(c));
          edge.put("text", Format.values(c.data(), c.shapeRef(), LIMIT));
          edge.set("lines", lines("", c.data(), c.shapeRef()));
        }
      }
    }
    // The layout depends on the structure, not the values: same expression, output and shapes, same
    // picture. A tensor prints as many lines (DotExporter.valueLines) whatever its values, so the page
    // rewrites matrices line by line too, and a value-only move never lays the graph out again.
    StringBuilder key = new StringBuilder(b.expression().source()).append('#').append(b.outputId());
    b.inputs().forEach((name, t) -> key.append('#').append(Arrays.toString(t.shapeRef())));
    String layoutKey = key.toString();
    out.put("layout", Integer.toHexString(layoutKey.hashCode()) + "-" + layoutKey.length());
    if (!out.get("layout").asText().equals(req.path("layout").asText(""))) {
      try {
        // The DOT text is only written when the page needs a layout.
        out.put("svg", layouts.layout(layoutKey, () -> DotExporter.toDot(b.output(), dotOptions())));
      } catch (ApiError e) {
        out.put("svgError", e.getMessage());
      }
    }
    return out;
  }

  /** How graphs print values (DotOptions' default limit: above it, a summary). */
  private static final int LIMIT = DotOptions.defaults().valueLimit();

  /** The lines the graph shows for these values, as DotExporter writes them. */
  private static ArrayNode lines(String prefix, double[] data, int[] shape) {
    ArrayNode a = Requests.JSON.createArrayNode();
    DotExporter.valueLines(prefix, data, shape, LIMIT).forEach(a::add);
    return a;
  }

  /** A number for a scalar, nested lists for a tensor, as {@code grad --json} writes them; NaN and infinities as null. */
  private static JsonNode value(Tensor t) {
    for (double v : t.data()) {
      if (!Double.isFinite(v)) {
        return finite(t);
      }
    }
    return GradJson.jsonValue(Requests.JSON, t);
  }

  private static JsonNode finite(Tensor t) {
    if (t.rank() == 0) {
      return Requests.JSON.getNodeFactory().nullNode();
    }
    // JSON has no NaN: write the nested lists with nulls where a value is not finite.
    JsonNode nested = GradJson.jsonValue(Requests.JSON, Tensor.zeros(t.shapeRef()));
    int[] next = {0};
    nullify(nested, t.data(), next);
    return nested;
  }

  private static void nullify(JsonNode node, double[] data, int[] next) {
    ArrayNode a = (ArrayNode) node;
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).isArray()) {
        nullify(a.get(i), data, next);
      } else {
        double v = data[next[0]++];
        if (Double.isFinite(v)) {
          a.set(i, Requests.JSON.getNodeFactory().numberNode(v));
        } else {
          a.setNull(i);
        }
      }
    }
  }

  private static ArrayNode shape(Tensor t) {
    ArrayNode a = Requests.JSON.createArrayNode();
    for (int d : t.shapeRef()) {
      a.add(d);
    }
    return a;
  }

  private static ArrayNode numbers(double[] v) {
    ArrayNode a = Requests.JSON.createArrayNode();
    for (double x : v) {
      if (Double.isFinite(x)) {
        a.add(x);
      } else {
        a.addNull();
      }
    }
    return a;
  }

  private static DotOptions dotOptions() {
    // As chainrule grad draws it: a '.' in "0.5*x" must not start a cluster.
    return DotOptions.defaults().withEdgeLabels(true).withClusters(false);
  }

  /**
   * {@code POST /api/explain}: the clicked node's chain rule and its numerical check. For a tensor
   * node, {@code "element"} (flat, row-major) picks the element Explain nudges; by default it is the
   * one with the largest gradient. Explain lists paths only where every node on them holds one value.
   */
  ObjectNode explain(byte[] body) {
    ObjectNode req = Requests.object(body, "explain", FIELDS);
    Built b = build(req, "explain");
    int id = Requests.optionalInt(req, "explain", "node", b.outputId(), 0, b.full().size() - 1);
    Tensor node = b.full().node(id);
    ObjectNode out = Requests.JSON.createObjectNode();
    out.put("node", id);
    out.put("name", node.label());
    out.set("shape", shape(node));
    if (!b.graph().contains(node) || !node.needsGrad()) {
      out.put("explanation", node.label() + " is " + (node.needsGrad() ? "not an input of the output "
          + b.output().label() : "a constant: nothing depends on it having a gradient") + ".");
      return out;
    }
    Explain options = Explain.options();
    if (req.hasNonNull("element")) {
      options.element(Requests.optionalInt(req, "explain", "element", 0, 0, node.size() - 1));
    }
    Explanation x = options.of(node, b.output());
    out.put("explanation", x.toString());
    out.set("gradient", numbers(x.gradient()));
    ArrayNode cs = out.putArray("contributions");
    for (Explanation.Contribution c : x.contributions()) {
      ObjectNode o = cs.addObject().put("consumer", c.consumer()).put("op", c.op());
      o.set("upstream", numbers(c.upstream()));
      // A local derivative is one number only between one-element nodes (NaN otherwise: null here).
      o.set("localDerivative", numbers(new double[] {c.localDerivative()}).get(0));
      o.set("contribution", numbers(c.contribution()));
    }
    ArrayNode nudges = out.putArray("nudges");
    for (Explanation.Nudge n : x.nudges()) {
      nudges.addObject().put("element", n.element()).put("epsilon", n.epsilon()).put("predicted", n.predicted())
          .put("actual", n.actual());
    }
    NodeCheck.Result check = NodeCheck.check(b.output());
    ObjectNode nc = out.putObject("check");
    NodeCheck.NodeResult r = check.byNode().get(node);
    if (r != null) {
      nc.put("status", r.status().name()).put("checked", r.checked()).put("maxAbsError", r.maxAbsError())
          .put("maxRelError", r.maxRelError());
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
   * own order: what the engine reports through {@code onEdge}, with each receiver's running sum. A
   * tensor contribution is sent whole (as the engine sends it) and summed element by element.
   */
  ObjectNode steps(byte[] body) {
    ObjectNode req = Requests.object(body, "steps", FIELDS);
    Built b = build(req, "steps");
    TensorGraph g = b.graph();
    ObjectNode out = Requests.JSON.createObjectNode();
    ArrayNode forward = out.putArray("forward");
    for (Tensor t : g.nodes()) {
      ObjectNode s = forward.addObject().put("node", "n" + g.id(t)).put("name", t.label())
          .put("valueText", "value " + Format.values(t.data(), t.shapeRef(), LIMIT));
      s.set("valueLines", lines("value ", t.data(), t.shapeRef()));
      ArrayNode from = s.putArray("inputs");
      for (int j = 0; j < g.inputCount(g.id(t)); j++) {
        from.add("n" + g.inputId(g.id(t), j));
      }
    }
    ArrayNode backward = out.putArray("backward");
    if (!b.output().needsGrad()) {
      return out;
    }
    // In the order the engine visits nodes, so each step's running sums follow from the last's.
    Tensor[] order = Backward.passOrder(b.output());
    Map<Tensor, ObjectNode> stepOf = new IdentityHashMap<>();
    for (Tensor t : order) {
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
      ObjectNode send = ((ArrayNode) stepOf.get(consumer).get("sends")).addObject()
          .put("from", "n" + g.id(consumer)).put("to", "n" + g.id(in)).put("toName", in.label()).put("index", j);
      send.set("contribution", value(c));
      send.put("text", Format.values(c.data(), c.shapeRef(), LIMIT));
      send.set("lines", lines("", c.data(), c.shapeRef()));
      send.put("received", n);
      send.put("sumText", "grad " + Format.values(sum, in.shapeRef(), LIMIT));
      send.set("sumLines", lines("grad ", sum, in.shapeRef()));
      send.set("sum", value(Tensor.of(sum.clone(), in.shapeRef())));
    }).run();
    for (Tensor t : order) {
      ObjectNode s = stepOf.get(t);
      s.put("gradientText", "grad " + Format.values(t.grad().data(), t.shapeRef(), LIMIT));
      s.set("gradientLines", lines("grad ", t.grad().data(), t.shapeRef()));
      s.set("gradient", value(t.grad()));
    }
    return out;
  }
}
