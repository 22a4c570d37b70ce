package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.nn.train.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user met in the first hour: outputs checked first, checks drawn, counts worded right. */
class FirstHourTest {
  @TempDir
  Path dir;

  /** A path that cannot be made on any system: its parent is a regular file. */
  private Path underAFile() throws IOException {
    return Files.writeString(dir.resolve("a-file"), "x").resolve("sub");
  }

  @Test
  void fitChecksItsReportDirectoryBeforeTraining() throws IOException {
    Path data = Files.writeString(dir.resolve("d.csv"), "x,y\n1,2\n2,4\n");
    Path report = underAFile();
    CliRun r = CliRun.of("fit", "--model", "a*x", "--data", data.toString(), "--target", "y", "--params", "a=0",
        "--epochs", "100000", "--report", report.toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().startsWith("chainrule fit: --report " + report + ": cannot be written ("), r.toString());
    assertTrue(r.err().endsWith("); nothing was run\n"), r.toString());
    assertEquals("", r.out(), "nothing was read or trained");
  }

  @Test
  void aFitLongerThanTheHistoryLimitWritesAnEvenlyThinnedTrajectoryAndSaysSo() throws IOException {
    Path data = Files.writeString(dir.resolve("d.csv"), "x,y\n1,2\n2,4\n");
    int epochs = History.DEFAULT_LIMIT + 2;
    CliRun r = CliRun.of("fit", "--model", "a*x", "--data", data.toString(), "--target", "y", "--params", "a=0",
        "--epochs", String.valueOf(epochs), "--report", dir.resolve("r").toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("The run took " + epochs + " steps, more than the " + History.DEFAULT_LIMIT
        + " the record keeps one by one, so trajectory.csv and the plots keep 1 step in 2 ("), r.toString());
    List<String> lines = Files.readAllLines(dir.resolve("r/trajectory.csv"));
    assertEquals(1 + History.DEFAULT_LIMIT / 2 + 1, lines.size());
    for (int row = 1; row < lines.size(); row++) {
      assertTrue(lines.get(row).startsWith((2 * (row - 1)) + "," + (2 * (row - 1)) + ","), "row " + row + ": "
          + lines.get(row));
    }
    assertTrue(Files.readString(dir.resolve("r/index.html")).contains("keep 1 step in 2"), "the report says so");
  }

  @Test
  void gradChecksItsFilesBeforeComputing() throws IOException {
    Path dot = underAFile().resolve("g.dot");
    CliRun r = CliRun.of("grad", "x*x", "--at", "x=1", "--dot", dot.toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().startsWith("chainrule grad: --dot " + dot + ": cannot be written ("), r.toString());
    assertEquals("", r.out());
    CliRun svg = CliRun.of("grad", "x*x", "--at", "x=1", "--svg", dir.toString());
    assertEquals(1, svg.code(), svg.toString());
    assertEquals("chainrule grad: --svg " + dir + ": is a directory; give a file name, nothing was run\n", svg.err());
  }

  @Test
  void demoChecksItsOutputDirectoryFirst() throws IOException {
    Path out = underAFile();
    CliRun r = CliRun.of("demo", "node-gradients", "--out", out.toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().startsWith("chainrule demo: --out " + out + ": cannot be written ("), r.toString());
    assertEquals("", r.out());
  }

  @Test
  void anExistingFileIsCheckedWithoutBeingChanged() throws IOException {
    Path dot = Files.writeString(dir.resolve("old.dot"), "digraph old {}");
    CliRun r = CliRun.of("grad", "x +", "--at", "x=1", "--dot", dot.toString());
    assertEquals(1, r.code(), r.toString());
    assertEquals("digraph old {}", Files.readString(dot), "a failed run leaves the old file as it was");
  }

  @Test
  void gradCheckDrawsItsVerdictAndTheKinkOnTheGraph() throws IOException {
    Path dot = dir.resolve("relu.dot");
    CliRun r = CliRun.of("grad", "relu(x)", "--at", "x=0", "--check", "--dot", dot.toString());
    assertTrue(r.out().contains("KINK"), r.toString());
    String text = Files.readString(dot);
    assertTrue(text.contains("KINK"), "the node check's verdict on the graph:\n" + text);
    assertTrue(text.contains("kink"), "the kink's label:\n" + text);
    String plain = Files.readString(drawWithoutCheck());
    assertFalse(plain.contains("KINK"), "without --check nothing was checked, so nothing is drawn:\n" + plain);
  }

  private Path drawWithoutCheck() {
    Path dot = dir.resolve("plain.dot");
    CliRun r = CliRun.of("grad", "relu(x)", "--at", "x=0", "--dot", dot.toString());
    assertEquals(0, r.code(), r.toString());
    return dot;
  }

  @Test
  void gradCheckDrawsTheKinkOnTheSvgToo() throws IOException {
    Path svg = dir.resolve("relu.svg");
    CliRun r = CliRun.of("grad", "relu(x)", "--at", "x=0", "--check", "--svg", svg.toString());
    assertTrue(Files.readString(svg).contains("KINK"), r.toString());
  }

  @Test
  void explainCountsTheNodesThatUseAVariableApartFromItsUses() {
    CliRun r = CliRun.of("explain", "x*x + sin(x)", "--at", "x=1");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("x is used by 2 nodes (3 uses); each use passes back"), r.toString());
    assertEquals(3, r.out().split("\n  via ", -1).length - 1, "one contribution per use:\n" + r.out());
    CliRun once = CliRun.of("explain", "x*y", "--at", "x=1,y=2", "--wrt", "x");
    assertTrue(once.out().contains("x is used by 1 node; each passes back"), once.toString());
  }
}
