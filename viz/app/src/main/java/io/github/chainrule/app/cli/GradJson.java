package io.github.chainrule.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.GradCheck;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Expression;
import io.github.chainrule.autodiff.inspect.NodeCheck;
import io.github.chainrule.viz.graph.TensorGraph;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code chainrule grad --json}, shared by the command and the playground's {@code POST
 * /api/grad}, so both answer with the same document.
 */
public final class GradJson {
  private GradJson() {}

  /**
   * Parses, evaluates and back-propagates {@code expression} at {@code at}, and returns what {@code
   * grad --json} prints; {@code option} names where the values came from in error messages.
   *
   * @throws IllegalArgumentException for a bad expression (with the caret picture) or missing values
   */
  public static String evaluate(String expression, Map<String, Double> at, String option) throws IOException {
    Map<String, Tensor> values = new LinkedHashMap<>();
    at.forEach((name, v) -> values.put(name, Tensor.scalar(v)));
    return evaluateTensors(expression, values, option);
  }

  /** {@link #evaluate} where each value may be a tensor ({@code --at W=[[1,2],[3,4]]}). */
  public static String evaluateTensors(String expression, Map<String, Tensor> at, String option) throws IOException {
    Expression e = Expressions.parse(expression);
    Map<String, Tensor> inputs = Expressions.leaves(e, at, option);
    Tensor out = e.build(inputs);
    boolean differentiable = out.needsGrad();
    if (differentiable) {
      Backward.from(out).run();
    }
    return json(e, inputs, out, TensorGraph.of(out), differentiable ? checkInputs(e, inputs) : null, null);
  }

  /** Autodiff against central differences for each variable, on fresh copies of the graph. */
  public static GradCheck.Result checkInputs(Expression e, Map<String, Tensor> inputs) {
    List<String> names = new ArrayList<>(inputs.keySet());
    return GradCheck.check(xs -> {
      Map<String, Tensor> b = new LinkedHashMap<>();
      for (int i = 0; i < xs.length; i++) {
        b.put(names.get(i), xs[i]);
      }
      return e.build(b);
    }, inputs.values().toArray(new Tensor[0]));
  }

  /** What the table shows in the op column: the op, or what kind of leaf. */
  public static String opOf(Tensor t) {
    if (t.op() != null) {
      return t.op().label();
    }
    return t.needsGrad() ? "variable" : "constant";
  }

  public static String json(Expression e, Map<String, Tensor> inputs, Tensor out, TensorGraph graph,
      GradCheck.Result check, NodeCheck.Result nodeCheck) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("expression", e.source());
    ObjectNode atNode = root.putObject("at");
    inputs.forEach((name, t) -> atNode.set(name, jsonValue(mapper, t)));
    root.put("value", out.item());
    ObjectNode gradient = root.putObject("gradient");
    inputs.forEach((name, t) -> {
      if (t.hasGrad()) {
        gradient.set(name, jsonValue(mapper, t.grad()));
      }
    });
    ArrayNode nodes = root.putArray("nodes");
    for (Tensor t : graph.nodes()) {
      ObjectNode n = nodes.addObject();
      n.put("id", graph.id(t));
      n.put("name", t.label());
      n.put("op", opOf(t));
      n.put("role", graph.role(t).word());
      ArrayNode ins = n.putArray("inputs");
      for (int j = 0; j < graph.inputCount(graph.id(t)); j++) {
        ins.add(graph.inputId(graph.id(t), j));
      }
      ArrayNode shape = n.putArray("shape");
      for (int d : t.shapeRef()) {
        shape.add(d);
      }
      n.set("value", jsonValue(mapper, t));
      if (t.hasGrad()) {
        n.set("gradient", jsonValue(mapper, t.grad()));
      } else {
        n.putNull("gradient");
      }
    }
    ArrayNode checks = root.putArray("checks");
    if (check != null) {
      for (GradCheck.Entry c : check.entries()) {
        ObjectNode n = checks.addObject();
        n.put("input", c.input());
        n.put("autodiff", c.analytic());
        n.put("numeric", c.numeric());
        n.put("absError", c.absError());
        n.put("relError", c.relError());
        n.put("status", c.status().name());
      }
      root.put("passed", check.passed() && (nodeCheck == null || nodeCheck.passed()));
    }
    if (nodeCheck != null) {
      ArrayNode nc = root.putArray("nodeChecks");
      for (NodeCheck.Entry c : nodeCheck.entries()) {
        ObjectNode n = nc.addObject();
        n.put("node", c.node());
        n.put("op", c.op());
        n.put("autodiff", c.analytic());
        n.put("numeric", c.numeric());
        n.put("absError", c.absError());
        n.put("relError", c.relError());
        n.put("status", c.status().name());
      }
    }
    return mapper.writeValueAsString(root);
  }

  /**
   * A number for a scalar, nested arrays (row by row) for a tensor: how grad --json writes a value,
   * and how fit's params.json and the playground's answers write tensors too.
   */
  public static JsonNode jsonValue(ObjectMapper mapper, Tensor t) {
    if (t.rank() == 0) {
      return mapper.getNodeFactory().numberNode(t.item());
    }
    return nested(mapper, t.data(), t.shapeRef(), 0, new int[1]);
  }

  private static ArrayNode nested(ObjectMapper mapper, double[] data, int[] shape, int axis, int[] next) {
    ArrayNode a = mapper.createArrayNode();
    for (int i = 0; i < shape[axis]; i++) {
      if (axis == shape.length - 1) {
        a.add(data[next[0]++]);
      } else {
        a.add(nested(mapper, data, shape, axis + 1, next));
      }
    }
    return a;
  }
}
