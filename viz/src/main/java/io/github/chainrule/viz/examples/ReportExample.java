package io.github.chainrule.viz.examples;

import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.plot.Plots;
import io.github.chainrule.viz.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A complete report: the tiny network's graph with values and gradients, a ReLU network fitted to
 * y = x² (data against prediction, how its curve is built, its loss and parameter trajectories) and
 * its parameter table.
 *
 * <pre>
 * mvn -q -pl viz -am process-classes -Preport-example     # writes viz/target/report.html
 * </pre>
 */
public final class ReportExample {
  private ReportExample() {}

  public static HtmlReport build() throws IOException {
    ReluFit fit = ReluFit.fit(4, 400, 0.05, 7);
    double[][] grid = fit.predictionGrid(-2, 2, 101);
    return HtmlReport.titled("chainrule report: a tiny network and a fitted ReLU network")
        .paragraph("Every node shows its value and its gradient dL/d(node); edge labels show what each edge "
            + "carried back, and the labels leaving a node add up to its gradient.")
        .graph("Tiny network after backward()", TinyNetworkGraph.lossAfterBackward(),
            DotOptions.defaults().withEdgeLabels(true))
        .plot("Data and prediction", Plots.dataVsPrediction("y = x\u00b2 and the fitted ReLU network", fit.x, fit.y,
            grid[0], grid[1]))
        .plot("How the curve is built", fit.curve().chart("How the curve is built", -2.5, 2.5))
        .plot("Loss", Plots.lossCurves("Training loss", Map.of("train", fit.losses), true))
        .plot("Parameter trajectories", Plots.trajectories("Parameters during training", "value",
            fit.parameterHistory))
        .plot("Gradient trajectories", Plots.trajectories("Gradients during training", "gradient",
            fit.gradientHistory))
        .parameters("Fitted parameters (last step)", List.of(fit.a, fit.b, fit.w, fit.c))
        .graph("Fitted ReLU network, collapsed by module", fit.loss, DotOptions.defaults().withCollapsedModules(true));
  }

  public static void main(String[] args) throws IOException {
    Path out = build().write(Path.of(args.length > 0 ? args[0] : "report.html"));
    System.out.println("wrote " + out.toAbsolutePath());
  }
}
