package example;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.optim.Sgd;
import io.github.chainrule.nn.train.Trainer;
import io.github.chainrule.viz.dot.DotExporter;
import java.nio.file.Files;
import java.nio.file.Path;

public class Main {
  public static void main(String[] args) throws Exception {
    // autodiff: f = x·y + sin(x), and every node's gradient
    Tensor x = Tensor.scalar(2).named("x").requiresGrad();
    Tensor y = Tensor.scalar(3).named("y").requiresGrad();
    Tensor f = x.mul(y).add(x.sin()).named("f");
    f.backward();
    System.out.println(f);   // Tensor f [] add = 6.9093  grad 1
    System.out.println(x);   // Tensor x [] requiresGrad = 2  grad 2.58385   (y + cos x)
    System.out.println(y);   // Tensor y [] requiresGrad = 3  grad 2         (x)

    // viz: the graph with every value and gradient, in Graphviz's DOT language
    Files.writeString(Path.of("f.dot"), DotExporter.toDot(f));

    // nn: fit y = w·x + b to points of y = 2x + 1 by full-batch gradient descent
    Dataset points = Dataset.of(new double[][] {{0}, {1}, {2}, {3}}, new double[] {1, 3, 5, 7});
    Linear line = new Linear(1, 1, 42);
    Trainer.fit(line, points, Losses.mse(), Sgd.of(line, 0.1), 500);
    System.out.printf("w = %.6f, b = %.6f%n", line.weight().item(), line.bias().item());

    System.out.println("kernels: " + Kernels.get().name());   // "vector" with the flag, "java" without
  }
}
