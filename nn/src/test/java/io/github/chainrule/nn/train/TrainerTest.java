package io.github.chainrule.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.layers.Activation;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Mlp;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.optim.LrSchedule;
import io.github.chainrule.nn.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {
  private static final double[][] XOR_X = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  private static final double[] XOR_Y = {0, 1, 1, 0};

  // ---------------------------------------------------------------- spreadsheet SGD

  @Test
  void perRowSgdOnALineMatchesTheSpreadsheetUpdatesComputedByHand() {
    // y = a·x + b, a = b = 1, loss (a·x + b − y)² per row, lr 1e-4, rows in file order.
    double[] xs = {1, 2, 3, 4, 5};
    double[] ys = {5, 7, 9, 11, 13};
    Linear line = new Linear(1, 1);
    line.set("weight", 1.0);
    line.set("bias", 1.0);
    Dataset data = Dataset.of(new double[][] {{1}, {2}, {3}, {4}, {5}}, ys);
    History h = Trainer.of(line, Losses.sse(), Sgd.of(line, 1e-4)).recordParameters(true)
        .fit(data.batches(1), 2);

    // The first two rows, by hand:
    // row 1: x=1, y=5: pred 2, error −3, da = 2·(−3)·1 = −6, db = −6 → a = b = 1.0006
    // row 2: x=2, y=7: pred 3.0018, error −3.9982, da = −15.9928, db = −7.9964
    //        → a = 1.0006 + 0.00159928 = 1.00219928, b = 1.0006 + 0.00079964 = 1.00139964
    assertEquals(9.0, h.stepLosses()[0]);
    assertEquals(1.0006, h.valueSeries("weight", 0, 0)[1], 1e-15);
    assertEquals(1.0006, h.valueSeries("bias", 0)[1], 1e-15);
    assertEquals(-15.9928, h.gradientSeries("weight", 0, 0)[1], 1e-12);
    assertEquals(1.00219928, h.valueSeries("weight", 0, 0)[2], 1e-15);
    assertEquals(1.00139964, h.valueSeries("bias", 0)[2], 1e-15);

    // Every row of both epochs, as a spreadsheet's columns would compute them.
    double a = 1;
    double b = 1;
    for (int step = 0; step < 10; step++) {
      double x = xs[step % 5];
      double err = a * x + b - ys[step % 5];
      assertEquals(err * err, h.stepLosses()[step], 1e-12 * err * err, "loss of step " + step);
      a -= 1e-4 * 2 * err * x;
      b -= 1e-4 * 2 * err;
      assertEquals(a, h.valueSeries("weight", 0, 0)[step + 1], 1e-14, "a after step " + step);
      assertEquals(b, h.valueSeries("bias", 0)[step + 1], 1e-14, "b after step " + step);
    }
    assertEquals(10, h.steps());
    assertEquals(2, h.epochs());
  }

  // ---------------------------------------------------------------- symmetry

  private static Sequential twoTwoOne() {
    return new Sequential(new Linear(2, 2), Activation.sigmoid(), new Linear(2, 1));
  }

  @Test
  void identicalHiddenUnitsStayIdenticalInWeightsAndGradientsAtEveryStep() {
    Sequential net = twoTwoOne();
    net.set("0.weight", new double[][] {{0.5, -0.3}, {0.5, -0.3}});
    net.set("0.bias", 0.1, 0.1);
    net.set("2.weight", 0.7, 0.7);
    net.set("2.bias", 0.0);
    History h = Trainer.of(net, Losses.mse(), Sgd.builder(0.5).momentum(0.9).build(net)).recordParameters(true)
        .fit(Dataset.of(XOR_X, XOR_Y).batches(2), 50);

    assertEquals(100, h.steps());
    double[][] w1 = h.values("0.weight");
    double[][] g1 = h.gradients("0.weight");
    double[][] b1 = h.values("0.bias");
    double[][] w2 = h.values("2.weight");
    for (int k = 0; k <= h.steps(); k++) {
      assertEquals(w1[k][0], w1[k][2], 0.0, "unit 1 and unit 2, input 1, step " + k);
      assertEquals(w1[k][1], w1[k][3], 0.0, "input 2, step " + k);
      assertEquals(b1[k][0], b1[k][1], 0.0);
      assertEquals(w2[k][0], w2[k][1], 0.0, "their outgoing weights too");
      if (k < h.steps()) {
        assertEquals(g1[k][0], g1[k][2], 0.0, "gradients equal, step " + k);
        assertEquals(g1[k][1], g1[k][3], 0.0);
      }
    }
    assertNotEquals(w1[0][0], w1[h.steps()][0], "the weights did move, together");
  }

  @Test
  void randomlyInitialisedHiddenUnitsDifferentiate() {
    Sequential net = new Sequential(new Linear(2, 2, 3), Activation.sigmoid(), new Linear(2, 1, 4));
    History h = Trainer.of(net, Losses.mse(), Sgd.builder(0.5).momentum(0.9).build(net)).recordParameters(true)
        .fit(Dataset.of(XOR_X, XOR_Y).batches(2), 5);
    double[][] g1 = h.gradients("0.weight");
    for (int k = 0; k < h.steps(); k++) {
      // Row j of 0.weight holds hidden unit j's incoming weights.
      assertFalse(g1[k][0] == g1[k][2] && g1[k][1] == g1[k][3], "different units get different gradients, step " + k);
    }
    double[] last = h.values("0.weight")[h.steps()];
    assertNotEquals(last[0], last[2]);
  }

  // ---------------------------------------------------------------- divergence

  @Test
  void aDivergingRunStopsWithTheStepAndCulpritAndKeepsItsHistory() {
    // Two stacked linear neurons: the gradient of each scales with the other's weight, so a step
    // size that one neuron tolerates makes the pair explode.
    Sequential deep = new Sequential(new Linear(1, 1), new Linear(1, 1));
    deep.set("0.weight", 2.0);
    deep.set("0.bias", 0.0);
    deep.set("1.weight", 2.0);
    deep.set("1.bias", 0.0);
    Dataset data = Dataset.of(new double[][] {{10}, {-10}}, new double[] {20, -20});
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> Trainer.of(deep, Losses.mse(), Sgd.of(deep, 0.05)).recordParameters(true).fit(data.fullBatch(), 1000));

    History h = e.history();
    assertTrue(e.step() > 2 && e.step() < 1000, "diverged at step " + e.step());
    assertEquals(e.step(), h.steps(), "every completed step is kept");
    assertEquals(e.step() + 1, h.values("0.weight").length);
    assertEquals(e.step(), h.gradients("1.weight").length);
    for (double l : h.stepLosses()) {
      assertTrue(Double.isFinite(l));
    }
    assertTrue(h.stepLosses()[h.steps() - 1] > 1e100, "it was exploding");
    assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
    assertTrue(e.getMessage().contains(e.culprit()), e.getMessage());
    // The product in the second layer overflows first: its input (layer 0's output) times a huge weight.
    assertEquals("1.matmul", e.culprit());
    assertTrue(e.getMessage().contains("matmulNT of [0.out, 1.weight]"), e.getMessage());

    // One neuron with the same step size converges.
    Linear one = new Linear(1, 1);
    one.set("weight", 2.0);
    one.set("bias", 0.0);
    History ok = Trainer.of(one, Losses.mse(), Sgd.of(one, 0.005)).fit(data.fullBatch(), 200);
    assertTrue(ok.lastLoss() < 1e-6, "one neuron: " + ok.lastLoss());
  }

  @Test
  void aNonFiniteGradientNamesTheParameter() {
    Module sqrtModel = new Module() {
      final Tensor w = parameter("w", Tensor.vector(4.0, 0.0));

      @Override
      public Tensor forward(Tensor x) {
        return x.mul(w.sqrt()).sum(1, true);
      }
    };
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () ->
        Trainer.fit(sqrtModel, Dataset.of(new double[][] {{1, 1}}, new double[] {0}).batches(1), Losses.mse(),
            Sgd.of(sqrtModel, 0.1), 3));
    assertEquals("w", e.culprit());
    assertEquals(0, e.step());
    assertTrue(e.getMessage().contains("gradient of parameter w") && e.getMessage().contains("flat index 1"),
        e.getMessage());
    assertEquals(0, e.history().steps());
  }

  @Test
  void aNonFiniteLossNamesTheFirstNonFiniteNode() {
    Linear l = new Linear(1, 1);
    Dataset data = Dataset.of(new double[][] {{1}, {Double.NaN}}, new double[] {0, 0});
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> Trainer.fit(l, data.batches(1), Losses.mse(), Sgd.of(l, 0.1), 1));
    assertEquals(1, e.step());
    assertEquals("input", e.culprit(), "the NaN came in with the data");
    assertEquals(1, e.history().steps());
  }

  // ---------------------------------------------------------------- history, callbacks, schedules

  @Test
  void epochLossIsTheBatchSizeWeightedMeanOfItsSteps() {
    Linear l = new Linear(1, 1);
    History h = Trainer.of(l, Losses.mse(), Sgd.of(l, 0.0)).recordParameters(false)
        .fit(Dataset.of(new double[][] {{1}, {2}, {3}}, new double[] {0, 0, 0}).batches(2), 1);
    double[] s = h.stepLosses();
    assertEquals((2 * s[0] + s[1]) / 3, h.epochLosses()[0], 1e-15);
    assertFalse(h.recordsParameters());
    assertThrows(IllegalArgumentException.class, () -> h.values("weight"));
  }

  @Test
  void callbacksSeeEveryStepAndCanStopTraining() {
    Sequential net = Mlp.of(2, 3, 1).seed(1).build();
    List<Integer> steps = new ArrayList<>();
    List<Integer> epochs = new ArrayList<>();
    History h = Trainer.of(net, Losses.mse(), Sgd.of(net, 0.1)).callback(new Callback() {
      @Override
      public void onStep(StepEnd s) {
        steps.add(s.step());
      }

      @Override
      public void onEpoch(EpochEnd e) {
        epochs.add(e.epoch());
        if (e.epoch() == 2) {
          e.stop();
        }
      }
    }).fit(Dataset.of(XOR_X, XOR_Y).batches(3), 10);
    assertEquals(List.of(0, 1, 2, 3, 4, 5), steps);
    assertEquals(List.of(0, 1, 2), epochs);
    assertEquals(3, h.epochs());
  }

  @Test
  void aScheduleStepsOncePerEpoch() {
    Linear l = new Linear(2, 1);
    Sgd opt = Sgd.of(l, 0.1);
    Trainer.of(l, Losses.mse(), opt).schedule(LrSchedule.step(opt, 2, 0.5)).fit(Dataset.of(XOR_X, XOR_Y).batches(4), 5);
    assertEquals(0.1 * 0.25, opt.lr(), 1e-15, "after 5 epochs: ⌊5/2⌋ = 2 halvings");
  }

  @Test
  void textProgressReportsTenthsOfTheRun() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Linear l = new Linear(2, 1);
    Trainer.of(l, Losses.mse(), Sgd.of(l, 0.1)).progress(Progress.text(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
        .fit(Dataset.of(XOR_X, XOR_Y).batches(1), 5);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(10, lines.length, String.join("\n", lines));
    assertTrue(lines[9].startsWith("fit: step 20/20, epoch 5, loss "), lines[9]);
  }

  @Test
  void recordedTrajectoriesAreCopiesAlignedWithSteps() {
    Linear l = new Linear(2, 1, 9);
    double[] initial = l.weight().toArray();
    History h = Trainer.of(l, Losses.mse(), Sgd.of(l, 0.1)).recordParameters(true)
        .fit(Dataset.of(XOR_X, XOR_Y).fullBatch(), 3);
    assertArrayEquals(initial, h.values("weight")[0]);
    assertArrayEquals(l.weight().data(), h.values("weight")[3]);
    // values[k+1] = values[k] − lr·gradients[k] for plain SGD
    for (int k = 0; k < 3; k++) {
      assertEquals(h.values("weight")[k][1] - 0.1 * h.gradients("weight")[k][1], h.values("weight")[k + 1][1], 1e-15);
    }
    assertEquals(List.of("weight", "bias"), h.parameterNames());
    assertArrayEquals(new int[] {1, 2}, h.shape("weight"));
  }
}
