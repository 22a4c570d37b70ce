package io.github.chainrule.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.nn.data.Batches;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.io.Checkpoint;
import io.github.chainrule.nn.io.Safetensors;
import io.github.chainrule.nn.layers.Activation;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import io.github.chainrule.nn.optim.Adam;
import io.github.chainrule.nn.optim.LrSchedule;
import io.github.chainrule.nn.optim.Optimizer;
import io.github.chainrule.nn.optim.ParamGroup;
import io.github.chainrule.nn.optim.Sgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A run stopped at a checkpoint and resumed ends bit for bit where an uninterrupted run ends. */
class ResumeTest {
  @TempDir
  Path dir;

  static final Dataset DATA = Dataset.of(RandomTensors.uniform(11, -2, 2, 12, 3), RandomTensors.uniform(12, -1, 1, 12, 1));
  /** Shuffled mini-batches, one of them short, so the position inside the data matters. */
  static final Batches BATCHES = DATA.batches(5).shuffle(3);

  static Sequential net(long seed) {
    return new Sequential(new Linear(3, 4, seed), Activation.tanh(), new Linear(4, 1, seed + 1));
  }

  static Trainer trainer(Module m, Optimizer opt) {
    return Trainer.of(m, Losses.mse(), opt).progress(Progress.off()).schedule(LrSchedule.step(opt, 2, 0.5))
        .recordParameters(true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.chainrule.nn.optim.OptimizerStateTest#optimizers")
  void aResumedRunEqualsAnUninterruptedOneBitForBit(String name, Function<Module, Optimizer> make) {
    Sequential straight = net(5);
    History all = trainer(straight, make.apply(straight)).fit(BATCHES, 7);

    Path file = dir.resolve(name + ".safetensors");
    Sequential first = net(5);
    trainer(first, make.apply(first)).checkpoint(file, 3).fit(BATCHES, 4);   // saves after epochs 3 and 4
    Sequential second = net(77);
    Trainer resumed = trainer(second, make.apply(second)).resume(file);
    History rest = resumed.fit(BATCHES, 7);

    for (Parameter p : straight.parameters()) {
      assertArrayEquals(bits(p.data()), bits(second.parameter(p.name()).data()), name + ": " + p.name());
    }
    double[] tail = Arrays.copyOfRange(all.stepLosses(), all.steps() - rest.steps(), all.steps());
    assertArrayEquals(bits(tail), bits(rest.stepLosses()), name + ": the losses of the resumed steps");
    assertEquals(3 * BATCHES.count(), rest.steps(), "epochs 4 to 6");
    assertEquals(make.apply(net(5)).lr() * 0.125, resumed.optimizer().lr(), 0.0,
        "the schedule moved on to epoch 7: three halvings");
  }

  private static long[] bits(double[] v) {
    return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  @Test
  void aCheckpointLoadsAsPlainWeightsAndKeepsTheOptimizerBesideThem() throws IOException {
    Sequential m = net(5);
    Adam adam = Adam.builder(0.01).build(ParamGroup.of(m, "0"), ParamGroup.of(m, "2").lr(0.1).weightDecay(0.5));
    Path file = dir.resolve("c.safetensors");
    trainer(m, adam).checkpoint(file, 1).fit(BATCHES, 2);
    Map<String, Tensor> tensors = Safetensors.load(file);
    assertTrue(tensors.keySet().containsAll(m.parameterNames()));
    assertTrue(tensors.containsKey("optim.0.weight.exp_avg") && tensors.containsKey("optim.2.bias.exp_avg_sq"),
        tensors.keySet().toString());
    Map<String, String> meta = Safetensors.metadata(file);
    assertEquals("2", meta.get("trainer.epoch"));
    assertEquals(Integer.toString(2 * BATCHES.count()), meta.get("trainer.step"));
    assertTrue(meta.get("optim").contains("\"type\":\"Adam\""), meta.get("optim"));
    assertTrue(meta.get("optim").contains("\"weight_decay\":0.5"), meta.get("optim"));
    Sequential weightsOnly = net(9);
    Safetensors.load(weightsOnly, onlyWeights(file));
    assertEquals(m.parameter("2.bias").data()[0], weightsOnly.parameter("2.bias").data()[0]);
  }

  private Path onlyWeights(Path checkpoint) throws IOException {
    Map<String, Tensor> t = new java.util.LinkedHashMap<>(Safetensors.load(checkpoint));
    t.keySet().removeIf(k -> k.startsWith(Checkpoint.OPTIM_PREFIX));
    Path out = dir.resolve("weights.safetensors");
    Safetensors.save(t, out, Safetensors.DType.F64, Map.of());
    return out;
  }

  @Test
  void aCheckpointOfAnotherModelIsRefusedNamingTheParameterAndChangesNothing() throws IOException {
    Sequential m = net(5);
    Path file = dir.resolve("c.safetensors");
    trainer(m, Sgd.builder(0.1).momentum(0.9).build(m)).checkpoint(file, 1).fit(BATCHES, 1);

    Sequential wider = new Sequential(new Linear(3, 5, 1), Activation.tanh(), new Linear(5, 1, 2));
    double before = wider.parameter("0.bias").data()[0];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trainer(wider, Sgd.builder(0.1).momentum(0.9).build(wider)).resume(file).fit(BATCHES, 2));
    assertTrue(e.getMessage().startsWith("checkpoint " + file + ": load into "), e.getMessage());
    assertTrue(e.getMessage().contains("0.weight: expected [5,3], got [4,3]"), e.getMessage());
    assertEquals(before, wider.parameter("0.bias").data()[0]);

    Sequential same = net(6);
    double kept = same.parameter("0.bias").data()[0];
    IllegalArgumentException opt = assertThrows(IllegalArgumentException.class,
        () -> trainer(same, Adam.builder(0.1).build(same)).resume(file).fit(BATCHES, 2));
    assertEquals("checkpoint " + file + ": Adam.loadStateDict: the state is of SGD, this optimizer is Adam",
        opt.getMessage());
    assertEquals(kept, same.parameter("0.bias").data()[0], "the weights are restored when the optimizer refuses");
  }

  @Test
  void resumingPastTheEpochsAskedForIsRefused() throws IOException {
    Sequential m = net(5);
    Path file = dir.resolve("c.safetensors");
    trainer(m, Sgd.of(m, 0.1)).checkpoint(file, 1).fit(BATCHES, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trainer(m, Sgd.of(m, 0.1)).resume(file).fit(BATCHES, 2));
    assertEquals("fit: the checkpoint " + file + " is at epoch 3, past the 2 epochs asked for", e.getMessage());
    assertTrue(Files.exists(file) && !Files.exists(dir.resolve("c.safetensors.partial")));
  }
}
