package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Options, help and usage errors, in process (the launcher's own tests are in CommandLineIT). */
class CommandLineTest {

  @Test
  void versionIsTheProjectVersionFromTheBuild() {
    CliRun r = CliRun.of("--version");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().matches("(?s)chainrule \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R.*"), r.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"grad", "explain", "fit", "demo"})
  void everyCommandHasHelp(String command) {
    CliRun r = CliRun.of(command, "--help");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("\nUsage: chainrule " + command + " "), r.toString());
    assertTrue(r.out().contains("Example"), r.toString());
    assertEquals("", r.err());
  }

  @Test
  void topLevelHelpListsTheCommands() {
    CliRun r = CliRun.of("--help");
    assertEquals(0, r.code());
    for (String c : List.of("grad", "explain", "fit", "demo")) {
      assertTrue(r.out().contains("  " + c + " "), c + " missing from\n" + r.out());
    }
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun r = CliRun.of();
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("name a command: grad, explain, fit, demo or serve"), r.toString());
    assertTrue(r.err().contains("Try 'chainrule --help'"), r.toString());
  }

  @Test
  void misspelledCommandGetsASuggestion() {
    CliRun r = CliRun.of("grda", "x");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().startsWith("chainrule: unknown command 'grda'"), r.toString());
    assertTrue(r.err().contains("did you mean 'grad'?"), r.toString());
  }

  @Test
  void unknownOptionIsAUsageErrorNamingIt() {
    CliRun r = CliRun.of("grad", "x", "--at", "x=1", "--chek");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("--chek"), r.toString());
    assertTrue(r.err().contains("Try 'chainrule grad --help'"), r.toString());
  }

  @Test
  void missingExpressionIsAUsageError() {
    CliRun r = CliRun.of("grad", "--at", "x=1");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("EXPR"), r.toString());
  }

  @Test
  void atWithoutEqualsSignIsAUsageError() {
    CliRun r = CliRun.of("grad", "x*y", "--at", "x");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("--at"), r.toString());
  }

  @Test
  void atTakesSeveralValuesPerOptionAndRepeatedOptions() {
    CliRun r = CliRun.of("grad", "x*y - z", "--at", "x=2,y=-3", "--at", "z=0.5", "--json");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("\"value\" : " + (2.0 * -3.0 - 0.5)), r.toString());
  }

  @Test
  void gradOfAConstantExpressionHasNothingToCheck() {
    CliRun r = CliRun.of("grad", "2*3 + 1");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("value  7"), r.toString());
    assertTrue(r.out().contains("no variables: nothing to differentiate or check"), r.toString());
  }

  @Test
  void numbersPrintAtSeventeenSignificantDigitsAndRoundTrip() {
    assertEquals("0.10000000000000001", Numbers.full(0.1));
    assertEquals("2", Numbers.full(2.0));
    assertEquals("-1.5", Numbers.full(-1.5));
    assertEquals("9.9999999999999995e-8", Numbers.full(1e-7));  // 1e-7 is 9.99999999999999954748e-8 exactly
    assertEquals("1.2345678901234568e20", Numbers.full(1.2345678901234568e20));
    assertEquals("NaN", Numbers.full(Double.NaN));
    assertEquals("-Infinity", Numbers.full(Double.NEGATIVE_INFINITY));
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      double v = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(v)) {
        assertEquals(v, Double.parseDouble(Numbers.full(v)), "round trip of " + v);
      }
    }
  }

  @Test
  void nearestNameAllowsAboutOneEditInThreeAndNoGuessForShortNames() {
    assertEquals("adam", Names.nearest("adma", new OptimizerChoice.Cli().names()).orElseThrow());
    assertEquals("rmsprop", Names.nearest("rmsprob", new OptimizerChoice.Cli().names()).orElseThrow());
    assertFalse(Names.nearest("lbfgs", new OptimizerChoice.Cli().names()).isPresent());
    assertFalse(Names.nearest("z", List.of("x", "y")).isPresent());
  }
}
