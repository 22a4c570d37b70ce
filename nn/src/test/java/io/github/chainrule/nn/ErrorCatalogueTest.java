package io.github.chainrule.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.io.Safetensors;
import io.github.chainrule.nn.io.Safetensors.DType;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Mlp;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.loss.Loss;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.optim.Adam;
import io.github.chainrule.nn.optim.GradClip;
import io.github.chainrule.nn.optim.Sgd;
import io.github.chainrule.nn.train.History;
import io.github.chainrule.nn.train.Progress;
import io.github.chainrule.nn.train.Trainer;
import io.github.chainrule.nn.train.TrainingDivergedException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when they hand nn something wrong: one case per public entry point, each
 * asserting that the message names what is needed to fix it — the operation, the shapes, and the
 * module, parameter, column or node by name.
 */
class ErrorCatalogueTest {
  @TempDir
  Path dir;

  /** The exception's message, after checking that it names every fragment. */
  private static <T extends Throwable> String names(Class<T> type, Executable call, String... fragments) {
    T e = assertThrows(type, call);
    String m = e.getMessage();
    for (String f : fragments) {
      assertTrue(m != null && m.contains(f), () -> "the message should name '" + f + "': " + m);
    }
    return m;
  }

  private static String badArgument(Executable call, String... fragments) {
    return names(IllegalArgumentException.class, call, fragments);
  }

  // ---------------------------------------------------------------- layers

  @Test
  void linearGivenTheWrongNumberOfFeatures() {
    Linear l = new Linear(3, 2);
    Tensor x = Tensor.zeros(4, 5).named("batch");
    badArgument(() -> l.forward(x), "Linear", "in=3", "out=2", "batch", "[4,5]", "last axis must be 3");
  }

  @Test
  void linearGivenAScalar() {
    badArgument(() -> new Linear(3, 2).forward(Tensor.scalar(1.0).named("x")), "Linear", "x", "[]", "[N, 3]");
  }

  @Test
  void linearWithNoInputsOrOutputs() {
    badArgument(() -> new Linear(0, 2), "Linear", "in=0", "out=2");
  }

  @Test
  void mlpFirstLayerGivenTheWrongWidthNamesTheLayerByItsPath() {
    Sequential net = Mlp.of(3, 4, 2).build();
    badArgument(() -> net.forward(Tensor.zeros(8, 2).named("x")), "Linear 0", "in=3", "[8,2]", "x");
  }

  @Test
  void sequentialWithLayersThatDoNotFitTogetherNamesTheSecondLayer() {
    Sequential net = new Sequential(new Linear(3, 4), new Linear(5, 2));
    // The first layer's output is named after its path, so the message says where it came from.
    badArgument(() -> net.forward(Tensor.zeros(2, 3)), "Linear 1", "in=5", "[2,4]", "0.out");
  }

  @Test
  void sequentialAskedForALayerItDoesNotHave() {
    Sequential net = Mlp.of(3, 4, 2).build();
    names(IndexOutOfBoundsException.class, () -> net.get(7), "Sequential", "7", "3");
  }

  @Test
  void mlpWithTooFewOrNonPositiveSizes() {
    badArgument(() -> Mlp.of(3), "Mlp", "at least an input and an output");
    badArgument(() -> Mlp.of(3, 0, 2), "Mlp", "[3, 0, 2]", "positive");
  }

  // ---------------------------------------------------------------- losses

  @Test
  void lossWithPredictionAndTargetOfDifferentShapes() {
    Tensor p = Tensor.zeros(4, 1).named("prediction");
    Tensor y = Tensor.zeros(4).named("y");
    badArgument(() -> Losses.mse().compute(p, y), "mse", "prediction", "[4,1]", "y", "[4]");
    badArgument(() -> Losses.mae().compute(p, y), "mae", "[4,1]", "[4]");
  }

  @Test
  void crossEntropyWithLogitsOfTheWrongRankOrLabelsThatDoNotFit() {
    Tensor logits = Tensor.zeros(3, 4).named("logits");
    badArgument(() -> Losses.crossEntropy().compute(Tensor.zeros(4).named("v"), Tensor.zeros(4)),
        "crossEntropy", "v", "[4]", "[N, C]");
    badArgument(() -> Losses.crossEntropy().compute(logits, Tensor.vector(0, 1).named("labels")),
        "crossEntropy", "logits", "[3,4]", "2 labels");
    badArgument(() -> Losses.crossEntropy().compute(logits, Tensor.vector(0, 4, 1).named("labels")),
        "crossEntropy", "label 4", "example 1", "[0, 4)", "[3,4]");
    badArgument(() -> Losses.crossEntropy().compute(logits, Tensor.vector(0, 1.5, 1).named("labels")),
        "crossEntropy", "labels", "1.5", "whole numbers");
  }

  @Test
  void binaryLossesWithTargetsThatAreNotLabels() {
    Tensor p = Tensor.vector(0.2, 0.7).named("p");
    // bce takes soft targets, as PyTorch's BCELoss does; its predictions must be probabilities.
    badArgument(() -> Losses.bce().compute(Tensor.vector(0.2, 1.7).named("p"), Tensor.vector(0, 1)), "bce", "p", "1.7");
    badArgument(() -> Losses.hinge().compute(p, Tensor.vector(0, 1).named("y")), "hinge", "y", "-1.0 or 1.0");
  }

  // ---------------------------------------------------------------- optimisers

  @Test
  void optimiserWithABadLearningRateOrHyperparameter() {
    Module m = new Linear(2, 1);
    badArgument(() -> Sgd.of(m, -0.1), "SGD", "learning rate", "-0.1");
    badArgument(() -> Sgd.of(m, Double.NaN), "SGD", "learning rate", "NaN");
    badArgument(() -> Adam.builder(0.01).betas(1.0, 0.999).build(m), "Adam", "beta1", "1.0");
    badArgument(() -> Sgd.builder(0.1).build(List.of()), "SGD", "no parameters");
  }

  @Test
  void optimiserStepWhenNoParameterHasAGradient() {
    Sequential m = Mlp.of(2, 3, 1).build();
    Sgd sgd = Sgd.of(m, 0.1);
    double[] before = m.parameter("0.weight").data().clone();
    // backward() was forgotten: nothing would change, silently, so the step says so instead.
    names(IllegalStateException.class, sgd::step, "SGD", "step", "none of the 4 parameters", "0.weight", "backward()");
    assertArrayEquals(before, m.parameter("0.weight").data());
    // A parameter the loss does not reach is skipped, as in PyTorch: only some without a gradient is fine.
    m.forward(Tensor.zeros(1, 2)).sum().backward();
    m.parameter("2.bias").tensor().zeroGrad();
    sgd.step();
  }

  @Test
  void gradientClippingWithANegativeBound() {
    Module m = new Linear(2, 1);
    badArgument(() -> GradClip.byNorm(m, -1), "byNorm", "maxNorm", "-1");
  }

  // ---------------------------------------------------------------- data

  private static Dataset csv(String text, List<String> inputs, List<String> targets) throws IOException {
    return Dataset.fromCsv(new StringReader(text), "houses.csv", inputs, targets);
  }

  @Test
  void csvWithAnUnknownTargetOrInputColumn() {
    String text = "area,rooms,price\n50,2,100\n";
    badArgument(() -> csv(text, List.of(), List.of("cost")), "houses.csv", "target", "'cost'", "[area, rooms, price]");
    badArgument(() -> csv(text, List.of("area", "floor"), List.of("price")), "houses.csv", "input", "'floor'");
  }

  @Test
  void csvWithARaggedRow() {
    badArgument(() -> csv("area,rooms,price\n50,2,100\n60,3\n", List.of(), List.of("price")),
        "houses.csv", "line 3", "2 fields", "3 columns", "[area, rooms, price]");
  }

  @Test
  void csvWithANonNumericCell() {
    badArgument(() -> csv("area,rooms,price\n50,two,100\n", List.of(), List.of("price")),
        "houses.csv", "line 2", "'rooms'", "(2)", "'two'", "not a number");
    badArgument(() -> csv("area,rooms,price\n50,,100\n", List.of(), List.of("price")), "line 2", "'rooms'", "''");
  }

  @Test
  void csvWithNaNOrInfinityInTheData() {
    badArgument(() -> csv("area,rooms,price\n50,2,100\n70,NaN,100\n", List.of(), List.of("price")),
        "houses.csv", "line 3", "'rooms'", "NaN", "finite");
    badArgument(() -> csv("area,rooms,price\n50,2,Infinity\n", List.of(), List.of("price")),
        "houses.csv", "line 2", "'price'", "Infinity", "finite");
  }

  @Test
  void csvThatIsEmptyOrHasABrokenHeader() {
    badArgument(() -> csv("", List.of(), List.of("price")), "houses.csv", "empty", "header");
    badArgument(() -> csv("area,area,price\n1,2,3\n", List.of(), List.of("price")), "houses.csv", "'area'", "twice");
    badArgument(() -> csv("area,,price\n1,2,3\n", List.of(), List.of("price")), "houses.csv", "column 2", "no name");
    badArgument(() -> csv("area,rooms,price\n\"50,2,100\n", List.of(), List.of("price")), "houses.csv", "line 2", "quoted");
    badArgument(() -> csv("area,price\n1,2\n", List.of(), List.of()), "houses.csv", "target column");
  }

  @Test
  void csvFileThatDoesNotExist() {
    Path missing = dir.resolve("missing.csv");
    names(IOException.class, () -> Dataset.fromCsv(missing, List.of(), List.of("y")), "missing.csv");
  }

  @Test
  void datasetWhoseInputsAndTargetsDisagree() {
    badArgument(() -> Dataset.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}, new double[] {1, 2}), "Dataset", "3 input rows",
        "2 target rows");
    badArgument(() -> Dataset.of(Tensor.zeros(3), Tensor.zeros(3, 1)), "Dataset", "[3]", "[N, columns]");
    badArgument(() -> Dataset.of(new double[][] {{1}}, new double[] {1}).batches(0), "batch size", "0");
  }

  // ---------------------------------------------------------------- training

  private static Trainer quiet(Module m, Loss loss) {
    return Trainer.of(m, loss, Sgd.of(m, 0.1)).progress(Progress.off());
  }

  @Test
  void trainingOnDataHoldingNaNNamesTheStepAndTheFirstNonFiniteNode() {
    Linear m = new Linear(2, 1, 1);
    Dataset data = Dataset.of(new double[][] {{1, 2}, {Double.NaN, 0}}, new double[] {1, 2});
    names(TrainingDivergedException.class, () -> quiet(m, Losses.mse()).fit(data.batches(1), 1),
        "mse", "NaN", "step 1", "epoch 0", "batch 1", "input");
  }

  @Test
  void trainingOnDataHoldingNaNBehindAReluSaysTheBatchHoldsIt() {
    // relu passes NaN through, as PyTorch does, so a NaN input reaches the loss through a hidden
    // layer too: the message names the loss, the input, and the data row and column holding it.
    Sequential m = Mlp.of(2, 3, 1).seed(1).build();
    Dataset data = Dataset.of(new double[][] {{1, 2}, {Double.NaN, 0}}, new double[] {1, 2});
    names(TrainingDivergedException.class, () -> quiet(m, Losses.mse()).fit(data.batches(1), 1),
        "mse is NaN", "step 1", "epoch 0", "batch 1", "input", "inputs hold NaN at dataset row 1, column 0");
  }

  @Test
  void trainingWithAModelThatDoesNotFitTheData() {
    Sequential m = Mlp.of(3, 1).build();
    Dataset data = Dataset.of(new double[][] {{1, 2}}, new double[] {1});
    badArgument(() -> quiet(m, Losses.mse()).fit(data.batches(1), 1), "Linear 0", "in=3", "[1,2]");
  }

  @Test
  void trainingWithALossThatIsNotAScalarOrIgnoresTheModel() {
    Module m = new Linear(1, 1);
    Dataset data = Dataset.of(new double[][] {{1}, {2}}, new double[] {1, 2});
    Loss perExample = new Loss() {
      public Tensor compute(Tensor p, Tensor y) {
        return p.sub(y);
      }

      public String name() {
        return "residual";
      }
    };
    badArgument(() -> quiet(m, perExample).fit(data.batches(2), 1), "residual", "[2,1]", "scalar");
    Loss constant = new Loss() {
      public Tensor compute(Tensor p, Tensor y) {
        return y.sum();
      }

      public String name() {
        return "constant";
      }
    };
    names(IllegalStateException.class, () -> quiet(m, constant).fit(data.batches(1), 1), "fit", "parameter");
    badArgument(() -> quiet(m, Losses.mse()).fit(data.batches(1), -1), "fit", "epochs", "-1");
  }

  @Test
  void historyAndModelAskedForAnUnknownParameterName() {
    Sequential m = Mlp.of(1, 1).build();
    Dataset data = Dataset.of(new double[][] {{1}}, new double[] {1});
    History h = quiet(m, Losses.mse()).recordParameters(true).fit(data.batches(1), 2);
    badArgument(() -> h.values("hidden.weight"), "history", "'hidden.weight'", "0.weight", "0.bias");
    badArgument(() -> h.valueSeries("0.weight", 0), "history", "0.weight", "[1,1]", "2 indices");
    badArgument(() -> h.valueSeries("0.weight", 0, 3), "history", "0.weight", "[1,1]", "out of range");
    History unrecorded = quiet(m, Losses.mse()).fit(data.batches(1), 1);
    badArgument(() -> unrecorded.values("0.weight"), "history", "recordParameters(true)");
    badArgument(() -> m.parameter("0.wieght"), "Sequential", "'0.wieght'", "[0.weight, 0.bias]");
    badArgument(() -> m.set("0.weight", 1, 2), "set 0.weight", "2 values", "[1,1]");
  }

  // ---------------------------------------------------------------- weight files

  @Test
  void loadingWeightsWithUnknownMissingOrMisshapenParameters() throws IOException {
    Path file = dir.resolve("weights.safetensors");
    Map<String, Tensor> saved = new LinkedHashMap<>();
    saved.put("0.weight", Tensor.zeros(4, 3));
    saved.put("0.bias", Tensor.zeros(4));
    saved.put("hidden.weight", Tensor.zeros(2, 4));
    Safetensors.save(saved, file, DType.F64, Map.of());
    Sequential net = Mlp.of(3, 4, 2).build();
    String m = badArgument(() -> Safetensors.load(net, file), file.toString(), "missing [2.bias, 2.weight]",
        "unexpected [hidden.weight]");
    Sequential wide = Mlp.of(3, 5, 2).build();
    badArgument(() -> Safetensors.load(wide, file), "0.weight: expected [5,3], got [4,3]", "0.bias: expected [5], got [4]");
    assertTrue(m.startsWith("safetensors " + file), m);
  }

  @Test
  void loadingWeightsFromAFileThatIsNotThere() {
    badArgument(() -> Safetensors.load(dir.resolve("none.safetensors")), "none.safetensors", "not a regular file");
  }

  @Test
  void savingATensorUnderTheReservedMetadataName() throws IOException {
    Map<String, Tensor> t = Map.of("__metadata__", Tensor.zeros(1));
    badArgument(() -> Safetensors.encode(t, DType.F64, Map.of()), "safetensors save", "__metadata__");
    assertEquals(0, Files.list(dir).count());
  }
}
