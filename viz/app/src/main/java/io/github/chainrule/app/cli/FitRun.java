package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.data.Batches;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.loss.Loss;
import io.github.chainrule.nn.train.History;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One fit: what it was asked to do, and what it ended with. */
final class FitRun {
  final ExpressionModel model;
  final Dataset dataset;
  final Path source;
  final String target;
  final Loss loss;
  final String lossName;
  final Map<String, Object> optimizer;
  final Batches batches;
  final int epochs;
  final Map<String, Tensor> initial;

  /** Tensors with more elements than this are printed as a summary, not value by value. */
  static final int PRINTED_ELEMENTS = 64;

  FitRun(ExpressionModel model, Dataset dataset, Path source, String target, Loss loss, String lossName,
      Map<String, Object> optimizer, Batches batches, int epochs, Map<String, Tensor> initial) {
    this.model = model;
    this.dataset = dataset;
    this.source = source;
    this.target = target;
    this.loss = loss;
    this.lossName = lossName;
    this.optimizer = optimizer;
    this.batches = batches;
    this.epochs = epochs;
    this.initial = initial;
  }

  /**
   * The final state.
   *
   * @param parameters final values (copies, of the parameters' shapes), in the order the parameters appear in the model
   * @param gradients dL/dp over all rows at the final values
   * @param gradientNorm the 2-norm of every gradient element together
   * @param lossGraph the loss over all rows, back-propagated: for the report's graph
   */
  record Result(Map<String, Tensor> parameters, Map<String, Tensor> gradients, double loss, double gradientNorm,
      Tensor lossGraph) {}

  /**
   * A value on one line at 17 significant digits, as {@code --params} takes it back ({@code 2.5},
   * {@code [[1,2],[3,4]]}); past {@link #PRINTED_ELEMENTS} elements, its shape and a summary.
   */
  static String full(Tensor t) {
    return t.size() <= PRINTED_ELEMENTS ? Values.format(t)
        : Shape.format(t.shapeRef()) + " " + Format.summary(t.data());
  }

  /** A value on one line at 6 significant digits, or its shape and a summary past {@link #PRINTED_ELEMENTS} elements. */
  static String brief(Tensor t) {
    if (t.rank() == 0) {
      return Format.number(t.item());
    }
    return t.size() <= PRINTED_ELEMENTS ? Format.values(t.data(), t.shapeRef(), PRINTED_ELEMENTS).replace(" ", "")
        : Shape.format(t.shapeRef()) + " " + Format.summary(t.data());
  }

  /** Two lines: the model and data, then the training settings. */
  String describe() {
    List<String> init = new ArrayList<>();
    initial.forEach((n, v) -> init.add(n + "=" + brief(v)));
    List<String> opt = new ArrayList<>();
    optimizer.forEach((k, v) -> {
      if (!k.equals("name")) {
        opt.add(k + " " + (v instanceof Double ? Format.number((Double) v) : v));
      }
    });
    long steps = (long) epochs * batches.count();
    return "fit " + target + " ~ " + model.expression().source() + "   on " + source + ": " + dataset.size() + " rows; "
        + (model.inputNames().isEmpty() ? "no input columns" : "inputs " + inputs())
        + "; parameters " + String.join(", ", init) + "\n"
        + "loss " + lossName + ", optimizer " + optimizer.get("name") + " (" + String.join(", ", opt) + "), "
        + epochs + (epochs == 1 ? " epoch" : " epochs") + " of " + batches.count()
        + (batches.count() == 1 ? " batch" : " batches") + " of " + rows(batches.count() == 1 ? dataset.size() : batches.batchSize())
        + (batches.shuffled() ? ", shuffled" : ", in file order") + ": " + steps + (steps == 1 ? " step" : " steps");
  }

  /** The inputs, each gathered one with its columns and shape: {@code x = [x1, x2] as [rows, 2], t}. */
  private String inputs() {
    List<String> parts = new ArrayList<>();
    model.inputs().forEach((n, in) -> {
      if (!in.features()) {
        parts.add(n);
      } else {
        List<String> cs = new ArrayList<>();
        for (int c : in.columns()) {
          cs.add(dataset.inputNames().get(c));
        }
        parts.add(n + " = [" + String.join(", ", cs) + "] as [rows, " + cs.size() + "]");
      }
    });
    return String.join(", ", parts);
  }

  private static String rows(int n) {
    return n + (n == 1 ? " row" : " rows");
  }

  /** The loss and its gradients over every row at the parameters as training left them. */
  Result finish(History history) {
    model.zeroGrad();
    Tensor l = loss.compute(model.forward(dataset.inputs()), dataset.targets());
    Backward.from(l).run();
    Map<String, Tensor> values = new LinkedHashMap<>();
    Map<String, Tensor> grads = new LinkedHashMap<>();
    double sq = 0;
    for (Map.Entry<String, Tensor> p : model.parameterTensors().entrySet()) {
      Tensor v = p.getValue();
      values.put(p.getKey(), Tensor.of(v.toArray(), v.shape()));
      Tensor g = v.hasGrad() ? Tensor.of(v.grad().toArray(), v.shape()) : Tensor.zeros(v.shape());
      grads.put(p.getKey(), g);
      for (double d : g.data()) {
        sq += d * d;
      }
    }
    return new Result(values, grads, l.item(), Math.sqrt(sq), l);
  }
}
