package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of wrong input a person can give the command line, and what they read back: one
 * message naming what is wrong, no stack trace, exit code 1 (input) or 2 (command line).
 */
class ErrorCatalogueTest {
  @TempDir
  Path dir;

  private static CliRun fails(int code, String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(code, r.code(), r.toString());
    assertEquals("", r.out().isEmpty() ? "" : r.out().lines().filter(l -> l.contains("Exception")).findFirst().orElse(""),
        "no exception on stdout: " + r);
    assertFalse(r.err().contains("Exception"), "no exception class in the message: " + r);
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    return r;
  }

  private Path csv(String text) throws IOException {
    Path f = dir.resolve("data.csv");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void badExpressionShowsTheColumnWithACaret() {
    CliRun r = fails(1, "grad", "relu(w1*x + b1", "--at", "w1=1,x=2,b1=3");
    assertEquals("chainrule grad: bad expression: column 15: expected ')' to close '(' at column 5, found end of input\n"
        + "  relu(w1*x + b1\n"
        + "                ^\n", r.err());
  }

  @Test
  void badOperatorSequenceNamesWhatWasExpected() {
    CliRun r = fails(1, "grad", "x * * y", "--at", "x=1,y=2");
    assertTrue(r.err().contains("column 5"), r.toString());
    assertTrue(r.err().contains("\n  x * * y\n      ^\n"), r.toString());
  }

  @Test
  void unknownFunctionSuggestsTheNearestKnownOne() {
    CliRun r = fails(1, "grad", "sigmod(x)", "--at", "x=1");
    assertTrue(r.err().contains("unknown function 'sigmod'"), r.toString());
    assertTrue(r.err().contains("did you mean 'sigmoid'?"), r.toString());
  }

  @Test
  void unknownVariableInAtIsNamedWithTheRealOnes() {
    CliRun r = fails(1, "grad", "w*x + b", "--at", "w=1,x=2,b=3,bias=4");
    assertTrue(r.err().contains("'bias' is not a variable of 'w*x + b'"), r.toString());
    assertTrue(r.err().contains("its variables are w, x and b"), r.toString());
  }

  @Test
  void variableWithoutValueIsNamedWithTheFixToType() {
    CliRun r = fails(1, "grad", "w*x + b", "--at", "w=1");
    assertTrue(r.err().contains("variables x and b have no value: give them with --at w=1,x=...,b=..."), r.toString());
  }

  @Test
  void explainOfAnUnknownNodeListsTheNodes() {
    CliRun r = fails(1, "explain", "x*y", "--at", "x=1,y=2", "--wrt", "x*z");
    assertTrue(r.err().endsWith("--wrt x*z: no node of 'x*y' is called 'x*z' (its nodes are x, y, x*y and f); "
        + "did you mean 'x*y'?\n"), r.toString());
  }

  @Test
  void missingTargetColumnNamesItAndTheHeader() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", f.toString(), "--target", "z");
    assertTrue(r.err().contains("no target column named 'z'; the header has [x, y]"), r.toString());
  }

  @Test
  void aSemicolonSeparatedFileIsNamedAsSuch() throws IOException {
    Path f = csv("x;y\n1;2\n");
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y", "--params", "a=1");
    assertEquals("chainrule fit: CSV " + f + ": no target column named 'y'; the header has [x;y]; the file seems to use "
        + "';' as separator; chainrule reads comma-separated files\n", r.err());
  }

  @Test
  void csvWithANonNumberNamesTheLineAndColumn() throws IOException {
    Path f = csv("x,y\n1,2\n3,four\n");
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y");
    assertTrue(r.err().contains("line 3, column 'y' (2): 'four' is not a number"), r.toString());
  }

  @Test
  void textInAColumnTheModelUsesNamesTheCellButTextElsewhereIsFine() throws IOException {
    Path f = csv("id,x,y\nr1,1,2\nr2,two,4\n");
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y");
    assertEquals("chainrule fit: CSV " + f + " line 3, column 'x' (2): 'two' is not a number\n", r.err());
  }

  @Test
  void csvWithARaggedRowNamesTheLine() throws IOException {
    Path f = csv("x,y\n1,2\n3\n");
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y");
    assertTrue(r.err().contains("line 3: 1 fields but the header has 2 columns"), r.toString());
  }

  @Test
  void csvWithoutRowsSaysSo() throws IOException {
    Path f = csv("x,y\n");
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y");
    assertTrue(r.err().contains("has a header but no rows of data"), r.toString());
  }

  @Test
  void missingDataFileIsNamed() {
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", dir.resolve("nope.csv").toString(), "--target", "y");
    assertTrue(r.err().contains("no such file: " + dir.resolve("nope.csv")), r.toString());
  }

  @Test
  void unknownParameterInParamsIsNamed() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(1, "fit", "--model", "slope*x + bias", "--data", f.toString(), "--target", "y",
        "--params", "slope=1,biass=0");
    assertTrue(r.err().contains("--params biass=...: 'biass' is not a parameter of 'slope*x + bias' (its variables are "
        + "slope, x and bias); did you mean 'bias'?"), r.toString());
  }

  @Test
  void aMistypedColumnIsAnErrorNotANewParameter() throws IOException {
    Path f = csv("x,y\n1,2\n2,4\n");
    CliRun r = fails(1, "fit", "--model", "a*xx + b", "--data", f.toString(), "--target", "y", "--params", "a=1,b=1");
    assertEquals("chainrule fit: the model 'a*xx + b' uses xx, which is neither a column of " + f + " (its columns are "
        + "x and y) nor declared in --params; did you mean 'x'? To fit it as a parameter, declare it: --params a=1,b=1,xx "
        + "(a name alone starts at a draw from N(0, 1) with --seed, name:2x3 at a [2, 3] tensor of such draws;"
        + " name=VALUE gives the start)\n", r.err());
    assertEquals("", r.out(), "nothing was trained");
  }

  @Test
  void parametersMustBeDeclaredEvenWithoutParams() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(1, "fit", "--model", "a*x + b", "--data", f.toString(), "--target", "y");
    assertTrue(r.err().startsWith("chainrule fit: the model 'a*x + b' uses a and b, which are neither columns of " + f
        + " (its columns are x and y) nor declared in --params. To fit them as parameters, declare them: --params a,b "),
        r.toString());
  }

  @Test
  void aMalformedParamsEntryIsAUsageError() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(2, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y", "--params", "a=one");
    assertTrue(r.err().startsWith("chainrule fit: --params a=one: 'one' is not a number\n"), r.toString());
  }

  @Test
  void aColumnGivenAsParameterIsRefused() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y", "--params", "x=1");
    assertTrue(r.err().contains("x is a column of " + f + ", so it is an input of the model, not a parameter"), r.toString());
  }

  @Test
  void theTargetCannotBeAnInputOfTheModel() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(1, "fit", "--model", "a*y", "--data", f.toString(), "--target", "y");
    assertTrue(r.err().contains("uses the target column y as a variable"), r.toString());
  }

  @Test
  void aModelWithoutParametersHasNothingToFit() throws IOException {
    Path f = csv("x,z,y\n1,2,3\n");
    CliRun r = fails(1, "fit", "--model", "x*z", "--data", f.toString(), "--target", "y");
    assertTrue(r.err().contains("has no parameters to fit: its variables x and z are all columns"), r.toString());
  }

  @Test
  void unknownOptimizerIsAUsageErrorWithTheChoices() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(2, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y", "--optimizer", "adma");
    assertTrue(r.err().contains("unknown optimizer 'adma': the optimizers are sgd, momentum, "
        + "nesterov, rmsprop, adam and adamw; did you mean 'adam'?"), r.toString());
  }

  @Test
  void unknownLossIsAUsageErrorWithTheChoices() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(2, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y", "--loss", "rmse");
    assertTrue(r.err().contains("unknown loss 'rmse': the losses are mse, sse, half-sse, mae, bce and bce-with-logits"), r.toString());
  }

  @Test
  void aHyperParameterOfAnotherOptimizerIsAUsageError() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(2, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y", "--beta1", "0.8");
    assertTrue(r.err().contains("--beta1 does not apply to --optimizer sgd (it applies to adam and adamw)"), r.toString());
  }

  @Test
  void anInvalidHyperParameterValueIsNamed() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y", "--params", "a=1",
        "--optimizer", "adam", "--beta1", "1.5");
    assertTrue(r.err().toLowerCase(java.util.Locale.ROOT).contains("beta"), r.toString());
  }

  @Test
  void shuffleAndNoShuffleExcludeEachOther() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(2, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y", "--shuffle", "3", "--no-shuffle");
    assertTrue(r.err().contains("--shuffle and --no-shuffle exclude each other"), r.toString());
  }

  @Test
  void unknownDemoSaysWhichDemosExist() {
    CliRun r = fails(1, "demo", "no-such-demo");
    assertTrue(r.err().startsWith("chainrule demo: unknown demo 'no-such-demo'"), r.toString());
    assertTrue(r.err().contains(io.github.chainrule.app.gallery.Gallery.all().isEmpty()
        ? "no demos are registered" : "the demos are "), r.toString());
  }

  @Test
  void aMistypedCommandSuggestsTheNearestOne() {
    CliRun r = fails(2, "gard", "x*y", "--at", "x=1,y=2");
    assertTrue(r.err().startsWith("chainrule: unknown command 'gard': the commands are grad, explain, fit, demo and serve; "
        + "did you mean 'grad'?\n"), r.toString());
  }

  @Test
  void aMistypedRequiredOptionIsNamedRatherThanReportedMissing() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(2, "fit", "--model", "a*x", "--data", f.toString(), "--targte", "y");
    assertTrue(r.err().startsWith("chainrule fit: unknown option '--targte'; did you mean '--target'?\n"), r.toString());
  }

  @Test
  void aMalformedNameValuePairSaysTheFormatOnce() {
    CliRun r = fails(2, "grad", "x*y", "--at", "x1");
    assertTrue(r.err().startsWith("chainrule grad: --at x1: expected NAME=VALUE, such as x=2 or W=[[1,2],[3,4]]\n"),
        r.toString());
  }

  @Test
  void aNegativeLearningRateIsAUsageErrorNamingTheOption() throws IOException {
    Path f = csv("x,y\n1,2\n");
    CliRun r = fails(2, "fit", "--model", "a*x", "--data", f.toString(), "--target", "y", "--lr", "-0.1");
    assertTrue(r.err().startsWith("chainrule fit: --lr must be a finite number of 0 or more, got -0.1\n"), r.toString());
  }

  @Test
  void aGradientCheckThatFailsAtADivisionByZeroSaysWhere() {
    CliRun r = fails(1, "grad", "x/y", "--at", "x=1,y=0");
    assertTrue(r.out().contains("FAIL"), r.toString());
    assertEquals("chainrule grad: the numerical check failed for x and y: x/y = Infinity at this point (div of x = 1, "
        + "y = 0), and a derivative is not defined where the function is not finite\n", r.err(), r.toString());
    CliRun slope = fails(1, "grad", "sqrt(x)", "--at", "x=0");
    assertEquals("chainrule grad: the numerical check failed for x: d/dx = Infinity (the slope is not finite at this "
        + "point)\n", slope.err(), slope.toString());
  }

  @Test
  void aDirectoryGivenAsDataIsNamed() {
    CliRun r = fails(1, "fit", "--model", "a*x", "--data", dir.toString(), "--target", "y");
    assertEquals("chainrule fit: --data " + dir + " is a directory; give a CSV file\n", r.err());
  }
}
