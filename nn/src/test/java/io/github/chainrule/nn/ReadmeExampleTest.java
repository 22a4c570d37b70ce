package io.github.chainrule.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.io.Safetensors;
import io.github.chainrule.nn.layers.Activation;
import io.github.chainrule.nn.layers.Mlp;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.optim.Adam;
import io.github.chainrule.nn.train.History;
import io.github.chainrule.nn.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's training example, verbatim between the markers, so it always compiles and works. */
class ReadmeExampleTest {

  @Test
  void readmeExampleLearnsXor(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("xor.safetensors");
    // README example: begin
    Dataset data = Dataset.of(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new double[] {0, 1, 1, 0});
    Sequential model = Mlp.of(2, 8, 1).activation(Activation::tanh).seed(42).build();
    History history = Trainer.of(model, Losses.mse(), Adam.of(model, 0.05))
        .recordParameters(true)                      // every weight and gradient, every step
        .fit(data.batches(2).shuffle(7), 300);       // 300 epochs of 2 mini-batches
    System.out.println("loss " + history.lastLoss() + " after " + history.steps() + " steps");
    System.out.println(model.forward(data.inputs()));              // ≈ [[0], [1], [1], [0]]
    double[] w = history.valueSeries("0.weight", 0, 0);           // one weight's trajectory
    Safetensors.save(model, file, Safetensors.DType.F64);         // readable by PyTorch
    // README example: end

    assertEquals(600, history.steps());
    assertEquals(601, w.length);
    assertTrue(history.epochLosses()[299] < 1e-3, "loss " + history.epochLosses()[299]);
    double[] out = model.forward(data.inputs()).data();
    double[] expected = {0, 1, 1, 0};
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i], out[i], 0.1, "example " + i);
    }
    Sequential reloaded = Mlp.of(2, 8, 1).activation(Activation::tanh).seed(1).build();
    Safetensors.load(reloaded, file);
    assertArrayEquals(out, reloaded.forward(data.inputs()).data(), 0.0, "F64 weights reload exactly");
  }
}
