package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Expression;
import io.github.chainrule.autodiff.inspect.Explain;
import io.github.chainrule.viz.graph.TensorGraph;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chainrule explain "<expr>" --at ... --wrt NAME}: what one gradient means, from the graph. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    header = "What a gradient means: the chain rule, the paths, a prediction against reality.",
    description = {"%nExplains the gradient of an expression with respect to one of its nodes: one step of "
        + "the chain rule (each consumer's contribution), every path through the graph, and what the gradient "
        + "predicts when the node is nudged, against what actually happens.%n"},
    footer = {"", "Example:", "  chainrule explain \"x*y + sin(x)\" --at x=2,y=3 --wrt x"})
final class ExplainCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "EXPR", description = "The expression, as for grad.")
  String expression;

  @Option(names = "--at", paramLabel = "NAME=VALUE",
      description = "The value of every variable, a number or nested lists: --at x=2,y=3 or --at W=[[1,2],[3,4]],x=[1,0].")
  List<String> at = new ArrayList<>();

  @Option(names = "--wrt", paramLabel = "NAME", split = ",",
      description = "The node to explain: a variable or a sub-expression as written (\"x*y\"). "
          + "Repeatable; every variable when omitted.")
  List<String> wrt = new ArrayList<>();

  @Override
  public void run() {
    Expression e = Expressions.parse(expression);
    Map<String, Tensor> inputs = Expressions.leaves(e, Values.parse(spec, at, "--at"), "--at");
    Tensor out = Expressions.scalarOutput(e, e.build(inputs), "explain");
    if (!out.needsGrad()) {
      throw new IllegalArgumentException("'" + e.source() + "' has no variables: there is no gradient to explain");
    }
    Map<String, Tensor> byName = nodesByName(out);
    // The explanation writes d<output>/d<node>; a short name for the output reads better than its whole text.
    String outputName = inputs.containsKey("f") ? "output" : "f";
    out.named(outputName);
    byName.putIfAbsent(outputName, out);
    List<Tensor> nodes = new ArrayList<>();
    for (String name : wrt.isEmpty() ? e.variables() : wrt) {
      Tensor node = byName.get(name);
      if (node == null) {
        Set<String> known = byName.keySet();
        throw new IllegalArgumentException("--wrt " + name + ": no node of '" + e.source() + "' is called '" + name
            + "' (its nodes are " + Names.list(known) + ")" + Names.didYouMean(name, known));
      }
      nodes.add(node);
    }
    PrintWriter w = spec.commandLine().getOut();
    w.println(outputName + " = " + e.source() + "   at " + atText(inputs));
    for (Tensor node : nodes) {
      w.println();
      w.print(Explain.explain(node, out));
    }
    w.flush();
  }

  /** Differentiable nodes by name, first occurrence wins (a repeated sub-expression is one name). */
  private static Map<String, Tensor> nodesByName(Tensor out) {
    Map<String, Tensor> byName = new LinkedHashMap<>();
    for (Tensor t : TensorGraph.of(out).nodes()) {
      if (t.needsGrad()) {
        byName.putIfAbsent(t.label(), t);
      }
    }
    return byName;
  }

  private static String atText(Map<String, Tensor> inputs) {
    Set<String> parts = new LinkedHashSet<>();
    inputs.forEach((n, t) -> parts.add(n + "=" + Values.format(t)));
    return String.join(", ", parts);
  }
}
