package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fit --checkpoint DIR and fit --resume DIR: a resumed fit prints exactly what an uninterrupted one prints. */
class FitResumeTest {
  @TempDir
  Path dir;
  private Path data;

  @BeforeEach
  void writeData() throws IOException {
    data = dir.resolve("d.csv");
    Files.writeString(data, "x,y\n1,1.5\n2,2\n3,6\n4,7.5\n5,9\n");
  }

  private CliRun fit(String optimizer, String... extra) {
    List<String> args = new ArrayList<>(List.of("fit", "--model", "a*x + b", "--data", data.toString(), "--target", "y",
        "--params", "a=0.5,b=0", "--optimizer", optimizer, "--lr", "0.02", "--batch", "2", "--shuffle", "4"));
    args.addAll(Arrays.asList(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  /** The final parameters and loss, at 17 significant digits: equal text is equal bits. */
  private static String result(CliRun r) {
    assertEquals(0, r.code(), r.toString());
    String out = r.out();
    return out.substring(out.indexOf("parameters\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"})
  void aFitStoppedAtACheckpointAndResumedEndsWhereAnUninterruptedFitEnds(String optimizer) {
    String straight = result(fit(optimizer, "--epochs", "30"));
    Path ckpt = dir.resolve("ckpt-" + optimizer);
    String half = result(fit(optimizer, "--epochs", "12", "--checkpoint", ckpt.toString()));
    assertNotEquals(straight, half, "12 epochs are not 30");
    CliRun resumed = fit(optimizer, "--epochs", "30", "--resume", ckpt.toString());
    assertEquals(straight, result(resumed));
    assertTrue(resumed.out().contains("resuming from " + ckpt.resolve("checkpoint.safetensors") + " at epoch 12 (step 36),"
        + " on to epoch 30"), resumed.out());
  }

  private CliRun fitNetwork(String params, String... extra) throws IOException {
    Path xor = dir.resolve("xor.csv");
    Files.writeString(xor, "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
    List<String> args = new ArrayList<>(List.of("fit", "--model", "sigmoid(tanh(x @ W + b) @ v + c)", "--data",
        xor.toString(), "--target", "y", "--inputs", "x=x1,x2", "--params", params, "--seed", "2", "--optimizer", "adam",
        "--lr", "0.05", "--batch", "3", "--shuffle", "9"));
    args.addAll(Arrays.asList(extra));
    return CliRun.of(args.toArray(new String[0]));
  }

  @Test
  void aTensorFitResumedEndsBitForBitWhereAnUninterruptedOneEnds() throws IOException {
    String straight = result(fitNetwork("W:2x3,b:3,v:3,c", "--epochs", "40"));
    Path ckpt = dir.resolve("net");
    String half = result(fitNetwork("W:2x3,b:3,v:3,c", "--epochs", "15", "--checkpoint", ckpt.toString()));
    assertNotEquals(straight, half, "15 epochs are not 40");
    assertTrue(straight.contains("  W = [["), straight);
    assertEquals(straight, result(fitNetwork("W:2x3,b:3,v:3,c", "--epochs", "40", "--resume", ckpt.toString())));
  }

  @Test
  void resumingWithAnotherShapeNamesTheParameterAndBothShapes() throws IOException {
    Path ckpt = dir.resolve("net");
    result(fitNetwork("W:2x3,b:3,v:3,c", "--epochs", "2", "--checkpoint", ckpt.toString()));
    CliRun r = fitNetwork("W:2x4,b:4,v:4,c", "--epochs", "4", "--resume", ckpt.toString());
    assertEquals(1, r.code(), r.toString());
    assertEquals("chainrule fit: --resume " + ckpt + ": parameter W has shape [2,3] in the checkpoint and [2,4] in this"
        + " fit's --params; resume with the shapes the checkpoint was saved with (W:2x3)\n", r.err());
  }

  @Test
  void resumingAnotherModelIsRefusedBeforeAnythingIsLoaded() {
    Path ckpt = dir.resolve("ckpt");
    result(fit("adam", "--epochs", "3", "--checkpoint", ckpt.toString()));
    CliRun r = CliRun.of("fit", "--model", "a*x", "--data", data.toString(), "--target", "y", "--params", "a=1",
        "--optimizer", "adam", "--resume", ckpt.toString());
    assertEquals(1, r.code(), r.toString());
    assertEquals("chainrule fit: --resume " + ckpt + ": the checkpoint was saved by a fit with model 'a*x + b', this one"
        + " has 'a*x'; resume with the same --model, --target and --loss\n", r.err());
  }

  @Test
  void resumingWithAnotherOptimizerNamesBoth() {
    Path ckpt = dir.resolve("ckpt");
    result(fit("adam", "--epochs", "3", "--checkpoint", ckpt.toString()));
    CliRun r = fit("rmsprop", "--epochs", "6", "--resume", ckpt.toString());
    assertEquals(1, r.code(), r.toString());
    assertEquals("chainrule fit: checkpoint " + ckpt.resolve("checkpoint.safetensors") + ": RMSprop.loadStateDict: the"
        + " state is of Adam, this optimizer is RMSprop\n", r.err());
  }

  @Test
  void resumingFromADirectoryWithoutACheckpointSaysHowToMakeOne() {
    CliRun r = fit("sgd", "--resume", dir.toString());
    assertEquals(1, r.code(), r.toString());
    assertEquals("chainrule fit: --resume " + dir + ": no checkpoint.safetensors there; a fit writes one with"
        + " --checkpoint " + dir + "\n", r.err());
  }

  @Test
  void checkpointEveryNeedsSomewhereToSave() {
    CliRun r = fit("sgd", "--checkpoint-every", "5");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().startsWith("chainrule fit: --checkpoint-every needs --checkpoint DIR (or --resume DIR) to say where\n"),
        r.toString());
  }
}
