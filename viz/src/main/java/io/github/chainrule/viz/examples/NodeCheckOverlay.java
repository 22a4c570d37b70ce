package io.github.chainrule.viz.examples;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.NodeCheck;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.render.Graphviz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A graph with a planted bug, checked node by node and drawn with the check on top: the README's
 * "what does this gradient mean?" picture, {@code viz/docs/node-check-overlay.svg}.
 *
 * <p>Two branches add up to the loss:
 * <ul>
 *   <li>{@code h = relu(x·w + b)} with {@code s = x·w + b = [0, 1.75]}: the first element sits
 *       exactly on relu's kink, where the loss has two one-sided slopes (0 and 1);
 *   <li>{@code r = cube(tanh(z))} through {@link WrongCube}, an op of our own whose backward rule
 *       uses the square's derivative 2x instead of 3x².
 * </ul>
 * NodeCheck marks {@code s} and everything feeding it as KINK, {@code tanh(z)} and {@code z} as
 * FAIL (their gradients come through the wrong rule), and blames the cube op.
 *
 * <p>Run {@link #main} with the viz module's classpath (after {@code mvn -q -pl viz -am compile}),
 * from the repository root; it prints NodeCheck's table and writes {@code viz/docs/node-check-overlay.dot}
 * and {@code .svg}. An optional argument names another output directory. NodeCheckOverlayTest draws
 * the same graph and checks the picture's colours and labels.
 */
public final class NodeCheckOverlay {
  private NodeCheckOverlay() {}

  /** x³ with a wrong derivative: its backward multiplies by 2x, as if it were x². */
  public static final class WrongCube extends Op {
    @Override
    public String name() {
      return "cube";
    }

    @Override
    public Tensor forward(Tensor... inputs) {
      double[] v = inputs[0].toArray();
      for (int i = 0; i < v.length; i++) {
        v[i] = v[i] * v[i] * v[i];
      }
      return Tensor.wrap(v, inputs[0].shape());
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
      return new Tensor[] {gradOutput.mul(inputs[0].mul(2.0))}; // the bug: d(x³)/dx is 3x², not 2x
    }
  }

  /** The loss, after backward: relu(x·w + b).sum() + cube(tanh(z)).sum(). */
  public static Tensor loss() {
    Tensor x = Tensor.vector(2.0, 1.0).named("x");
    Tensor w = Tensor.vector(0.5, 1.5).named("w").requiresGrad();
    Tensor b = Tensor.vector(-1.0, 0.25).named("b").requiresGrad();
    Tensor s = x.mul(w).add(b).named("s"); // exactly [0, 1.75]: 2·0.5 − 1 is 0 in floating point too
    Tensor h = s.relu().named("h");
    Tensor z = Tensor.vector(0.5, -1.0).named("z").requiresGrad();
    Tensor q = z.tanh().named("q");
    Tensor r = Tensor.apply(new WrongCube(), q).named("r");
    Tensor loss = h.sum().add(r.sum()).named("loss");
    loss.backward();
    return loss;
  }

  /** The options the picture is drawn with, for the check {@code check}. */
  public static DotOptions options(NodeCheck.Result check) {
    return DotOptions.defaults().withNodeCheck(check)
        .withTitle("NodeCheck on relu(x\u00b7w + b).sum() + cube(tanh(z)).sum(), with cube's backward planted wrong");
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : Files.isDirectory(Path.of("viz")) ? "viz/docs" : "docs");
    Files.createDirectories(dir);
    Tensor loss = loss();
    NodeCheck.Result check = NodeCheck.check(loss);
    System.out.println(check);
    Path dotFile = dir.resolve("node-check-overlay.dot");
    Files.writeString(dotFile, DotExporter.toDot(loss, options(check)));
    Graphviz.Rendering svg = Graphviz.standard().renderFile(dotFile, Graphviz.Format.SVG,
        dir.resolve("node-check-overlay.svg"));
    System.out.println("wrote " + dotFile + " and " + svg.file() + ", drawn by " + svg.engine());
    if (!svg.warnings().isEmpty()) {
      System.out.println("Graphviz said: " + svg.warnings());
    }
  }
}
