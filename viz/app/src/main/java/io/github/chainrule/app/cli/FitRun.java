package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Format;
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
  final Map<String, Double> initial;

  FitRun(ExpressionModel model, Dataset dataset, Path source, String target, Loss loss, String lossName,
      Map<String, Object> optimizer, Batches batches, int epochs, Map<String, Double> initial) {
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
   * @param parameters final values, in the order the parameters appear in the model
   * @param gradients dL/dp over all rows at the final values
   * @param lossGraph the loss over all rows, back-propagated: for the report's graph
   */
  record Result(Map<String, Double> parameters, Map<String, Double> gradients, double loss, double gradientNorm,
      Tensor lossGraph) {}

  List<String> parameterNames() {
    return new ArrayList<>(model.parameterTensors().keySet());
  }

  /** Two lines: the model and data, then the training settings. */
  String describe() {
    List<String> init = new ArrayList<>();
    initial.forEach((n, v) -> init.add(n + "=" + Format.number(v)));
    List<String> opt = new ArrayList<>();
    optimizer.forEach((k, v) -> {
      if (!k.equals("name")) {
        opt.add(k + " " + (v instanceof Double ? Format.number((Double) v) : v));
      }
    });
    long steps = (long) epochs * batches.count();
    return "fit " + target + " ~ " + model.expression().source() + "   on " + source + ": " + dataset.size() + " rows; "
        + (model.inputNames().isEmpty() ? "no input columns" : "inputs " + Names.list(model.inputNames()))
        + "; parameters " + String.join(", ", init) + "\n"
        + "loss " + lossName + ", optimizer " + optimizer.get("name") + " (" + String.join(", ", opt) + "), "
        + epochs + (epochs == 1 ? " epoch" : " epochs") + " of " + batches.count()
        + (batches.count() == 1 ? " batch" : " batches") + " of " + rows(batches.count() == 1 ? dataset.size() : batches.batchSize())
        + (batches.shuffled() ? ", shuffled" : ", in file order") + ": " + steps + (steps == 1 ? " step" : " steps");
  }

  private static String rows(int n) {
    return n + (n == 1 ? " row" : " rows");
  }

  /** The loss and its gradients over every row at the parameters as training left them. */
  Result finish(History history) {
    model.zeroGrad();
    Tensor l = loss.compute(model.forward(dataset.inputs()), dataset.targets());
    Backward.from(l).run();
    Map<String, Double> values = new LinkedHashMap<>();
    Map<String, Double> grads = new LinkedHashMap<>();
    double sq = 0;
    for (Map.Entry<String, Tensor> p : model.parameterTensors().entrySet()) {
      values.put(p.getKey(), p.getValue().item());
      double g = p.getValue().hasGrad() ? p.getValue().grad().item() : 0;
      grads.put(p.getKey(), g);
      sq += g * g;
    }
    return new Result(values, grads, l.item(), Math.sqrt(sq), l);
  }
}
