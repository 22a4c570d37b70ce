package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.GradCheck;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Expression;
import io.github.chainrule.autodiff.inspect.NodeCheck;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.graph.TensorGraph;
import io.github.chainrule.viz.render.Graphviz;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chainrule grad "<expr>" --at x=2,y=3}: the value, every node's gradient, and checks. */
@Command(name = "grad", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    header = "The value and the gradient of every node of an expression, checked numerically.",
    description = {"%nEvaluates an expression at a point, back-propagates, and prints the value, a table of "
        + "every node (name, op, value, gradient) and a numerical check of the gradient of each variable.%n"},
    footer = {"", "Examples:", "  chainrule grad \"x*y + sin(x)\" --at x=2,y=3 --check --svg graph.svg",
        "  chainrule grad \"sum(sigmoid(W @ x + b))\" --at W=[[1,2],[3,4]],x=[1,0],b=[0,-1]"})
final class GradCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "EXPR",
      description = "The expression, e.g. \"relu(w*x + b)\" or \"sum(sigmoid(W @ x + b))\": + - * / ^, "
          + "@ (matrix product), parentheses, numbers, names, and calls such as relu(x), max(a,b), sum(x) or "
          + "mean(x, axis); an unknown function is answered with the nearest name or the list of all.")
  String expression;

  @Option(names = "--at", paramLabel = "NAME=VALUE",
      description = "The value of every variable: --at x=2,y=3 (or --at x=2 --at y=3); vectors and matrices as nested "
          + "lists, row by row: --at W=[[1,2],[3,4]],x=[1,0].")
  List<String> at = new ArrayList<>();

  @Option(names = "--check", description = "Also check the gradient of every node (intermediates too) numerically; "
      + "--dot and --svg then draw each node's verdict and label the kinks.")
  boolean checkNodes;

  @Option(names = "--json", description = "Print JSON instead of tables: value, nodes[], checks[] (and nodeChecks[] with --check).")
  boolean json;

  @Option(names = "--dot", paramLabel = "FILE", description = "Write the graph, with values, gradients and edge contributions, as DOT.")
  Path dot;

  @Option(names = "--svg", paramLabel = "FILE", description = "Draw the graph as SVG, with the Graphviz built in (-Dchainrule.dot=PATH: the system's dot).")
  Path svg;

  @Override
  public Integer call() throws IOException {
    checkOutputs();
    Expression e = Expressions.parse(expression);
    Map<String, Tensor> inputs = Expressions.leaves(e, Values.parse(spec, at, "--at"), "--at");
    Tensor out = Expressions.scalarOutput(e, e.build(inputs), "grad");
    boolean differentiable = out.needsGrad();
    if (differentiable) {
      Backward.from(out).run();
    }
    TensorGraph graph = TensorGraph.of(out);
    GradCheck.Result check = differentiable ? GradJson.checkInputs(e, inputs) : null;
    NodeCheck.Result nodeCheck = differentiable && checkNodes ? NodeCheck.check(out) : null;

    // A check that was run is drawn: its verdict on every node, and the kinks it found.
    DotOptions options = nodeCheck == null ? dotOptions(e) : dotOptions(e).withNodeCheck(nodeCheck).withKinkLabels(true);
    if (dot != null) {
      createParent(dot);
      DotExporter.with(options).write(out, dot);
    }
    Graphviz.Rendering drawn = null;
    if (svg != null) {
      createParent(svg);
      drawn = Graphviz.standard().render(DotExporter.toDot(out, options), Graphviz.Format.SVG, svg);
    }

    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      w.println(GradJson.json(e, inputs, out, graph, check, nodeCheck));
    } else {
      printText(w, e, inputs, out, graph, check, nodeCheck);
      if (drawn != null) {
        w.println();
        w.println("graph: " + svg + ", drawn by " + drawn.engine());
      }
    }
    w.flush();
    boolean failed = (check != null && !check.passed()) || (nodeCheck != null && !nodeCheck.passed());
    if (failed) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(spec.qualifiedName() + ": " + whyTheCheckFailed(graph, inputs, check, nodeCheck));
      err.flush();
      return Main.EXIT_INPUT;
    }
    return 0;
  }

  private void checkOutputs() {
    if (dot != null) {
      Outputs.checkFile("--dot", dot);
    }
    if (svg != null) {
      Outputs.checkFile("--svg", svg);
    }
  }

  /**
   * The exit code alone would leave a reader to find the FAIL rows; most failures at a point come
   * from a value or slope that is not finite there (a division by zero, log or sqrt at 0), so name it.
   */
  private static String whyTheCheckFailed(TensorGraph graph, Map<String, Tensor> inputs, GradCheck.Result check,
      NodeCheck.Result nodeCheck) {
    List<String> failing = new ArrayList<>();
    if (check != null) {
      check.failures().forEach(f -> failing.add(f.input()));
    }
    String what = failing.isEmpty() ? "the numerical check of the nodes failed"
        : "the numerical check failed for " + Names.list(failing);
    for (Tensor t : graph.nodes()) {
      if (!allFinite(t.data())) {
        List<String> args = new ArrayList<>();
        t.inputs().forEach(in -> args.add(in.label() + " = " + Values.format(in)));
        return what + ": " + t.label() + " = " + Values.format(t) + " at this point (" + opOf(t) + " of "
            + String.join(", ", args) + "), and a derivative is not defined where the function is not finite";
      }
    }
    for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
      Tensor g = in.getValue().grad();
      if (!allFinite(g.data())) {
        return what + ": d/d" + in.getKey() + " = " + Values.format(g) + " (the slope is not finite at this point)";
      }
    }
    return what + " (the FAIL rows above compare autodiff with central differences)";
  }

  private static boolean allFinite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  static DotOptions dotOptions(Expression e) {
    // Node names are sub-expressions, not module paths: a '.' in "0.5*x" must not start a cluster.
    return DotOptions.defaults().withEdgeLabels(true).withClusters(false).withTitle(e.source());
  }

  static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  /** What the table shows in the op column: the op, or what kind of leaf. */
  static String opOf(Tensor t) {
    return GradJson.opOf(t);
  }

  private void printText(PrintWriter w, Expression e, Map<String, Tensor> inputs, Tensor out, TensorGraph graph,
      GradCheck.Result check, NodeCheck.Result nodeCheck) {
    List<String> at = new ArrayList<>();
    inputs.forEach((name, t) -> at.add(name + "=" + Values.format(t)));
    w.println(e.source() + (at.isEmpty() ? "" : "   at " + String.join(", ", at)));
    w.println();
    w.println("value  " + Numbers.full(out.item()));
    for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
      w.println("d/d" + in.getKey() + "  " + Values.format(in.getValue().grad()));
    }
    w.println();

    // A shape column only when some node is not a scalar, so scalar tables stay as they were.
    boolean tensors = graph.nodes().stream().anyMatch(t -> t.rank() > 0);
    int nameWidth = 4;
    int opWidth = 2;
    int shapeWidth = 5;
    int valueWidth = 12;
    for (Tensor t : graph.nodes()) {
      nameWidth = Math.max(nameWidth, Math.min(40, t.label().length()));
      opWidth = Math.max(opWidth, opOf(t).length());
      shapeWidth = Math.max(shapeWidth, Shape.format(t.shapeRef()).length());
      valueWidth = Math.max(valueWidth, Math.min(40, valueText(t).length()));
    }
    String row = "%-" + nameWidth + "s  %-" + opWidth + "s  " + (tensors ? "%-" + shapeWidth + "s  " : "%s")
        + "%-" + valueWidth + "s  %s%n";
    w.printf(Locale.ROOT, row, "node", "op", tensors ? "shape" : "", "value", "gradient");
    for (Tensor t : graph.nodes()) {
      w.printf(Locale.ROOT, row, t.label(), opOf(t), tensors ? Shape.format(t.shapeRef()) : "", valueText(t),
          gradientText(t));
    }
    w.println();
    if (check == null) {
      w.println("no variables: nothing to differentiate or check");
      return;
    }
    w.println("numerical check of each variable (central differences):");
    w.println(check);
    if (nodeCheck != null) {
      w.println();
      w.println("numerical check of every node:");
      w.println(nodeCheck);
    }
  }

  /** Up to {@value #SHOWN} elements in full, more as a summary: a table row stays one line. */
  private static final int SHOWN = 12;

  private static String valueText(Tensor t) {
    return Format.values(t.data(), t.shapeRef(), SHOWN);
  }

  private static String gradientText(Tensor t) {
    if (t.hasGrad()) {
      return Format.values(t.grad().data(), t.shapeRef(), SHOWN);
    }
    return t.needsGrad() ? "not computed" : "not required";
  }
}
