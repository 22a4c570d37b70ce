package io.github.chainrule.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {

  private static Dataset csv(String text, List<String> inputs, List<String> targets) throws IOException {
    return Dataset.fromCsv(new StringReader(text), "data.csv", inputs, targets);
  }

  private static String error(String text, List<String> inputs, List<String> targets) {
    return assertThrows(IllegalArgumentException.class, () -> csv(text, inputs, targets)).getMessage();
  }

  @Test
  void csvColumnsAreChosenByNameInTheGivenOrder() throws IOException {
    Dataset d = csv("x1, x2 ,y\n1,2,3\n# a comment\n\n4,5,6\n\"7\",8,9\n", List.of("x2", "x1"), List.of("y"));
    assertEquals(3, d.size());
    assertArrayEquals(new double[] {2, 1, 5, 4, 8, 7}, d.inputs().data());
    assertArrayEquals(new double[] {3, 6, 9}, d.targets().data());
    assertEquals(List.of("x2", "x1"), d.inputNames());
  }

  @Test
  void csvInputsDefaultToEveryNonTargetColumn(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("line.csv");
    Files.writeString(f, "a,y,b\n1,2,3\n");
    Dataset d = Dataset.fromCsv(f, List.of(), List.of("y"));
    assertEquals(List.of("a", "b"), d.inputNames());
    assertArrayEquals(new double[] {1, 3}, d.inputs().data());
  }

  @Test
  void csvErrorsNameTheLineAndTheColumn() {
    String bad = error("x,y\n1,2\n3,abc\n", List.of("x"), List.of("y"));
    assertTrue(bad.contains("line 3") && bad.contains("column 'y' (2)") && bad.contains("'abc'"), bad);
    String empty = error("x,y\n1,\n", List.of("x"), List.of("y"));
    assertTrue(empty.contains("line 2") && empty.contains("column 'y'"), empty);
    String count = error("x,y\n1,2,3\n", List.of("x"), List.of("y"));
    assertTrue(count.contains("line 2") && count.contains("3 fields") && count.contains("2 columns"), count);
    String missing = error("x,y\n1,2\n", List.of("z"), List.of("y"));
    assertTrue(missing.contains("no input column named 'z'") && missing.contains("[x, y]"), missing);
    String dup = error("x,x\n1,2\n", List.of(), List.of("x"));
    assertTrue(dup.contains("line 1") && dup.contains("'x' appears twice"), dup);
    String unnamed = error("x,,y\n1,2,3\n", List.of(), List.of("y"));
    assertTrue(unnamed.contains("column 2 of the header has no name"), unnamed);
    assertTrue(error("", List.of(), List.of("y")).contains("empty"));
    assertTrue(error("x,y\n\"1,2\n", List.of(), List.of("y")).contains("quoted field is not closed"));
  }

  @Test
  void batchesInFileOrderWithASmallerLastBatch() {
    Dataset d = Dataset.of(new double[][] {{0}, {1}, {2}, {3}, {4}}, new double[] {10, 11, 12, 13, 14});
    List<Batch> batches = d.batches(2).epoch(0);
    assertEquals(3, batches.size());
    assertArrayEquals(new double[] {2, 3}, batches.get(1).inputs().data());
    assertArrayEquals(new double[] {12, 13}, batches.get(1).targets().data());
    assertArrayEquals(new int[] {4}, batches.get(2).rows());
    assertArrayEquals(new int[] {2, 1}, batches.get(1).targets().shape());
  }

  @Test
  void shuffleIsSeededPerEpochAndCoversEveryRowOnce() {
    double[][] x = new double[50][1];
    double[] y = new double[50];
    for (int i = 0; i < 50; i++) {
      x[i][0] = i;
    }
    Batches b = Dataset.of(x, y).batches(7).shuffle(11);
    int[] e0 = b.order(0);
    assertArrayEquals(e0, Dataset.of(x, y).batches(3).shuffle(11).order(0), "order depends only on seed and epoch");
    assertFalse(Arrays.equals(e0, b.order(1)), "each epoch has its own order");
    assertFalse(Arrays.equals(e0, b.shuffle(12).order(0)));
    int[] sorted = e0.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < 50; i++) {
      assertEquals(i, sorted[i]);
    }
    assertArrayEquals(b.order(3), b.order(3));
    assertArrayEquals(new int[] {0, 1, 2}, Dataset.of(new double[3][1], new double[3]).batches(1).order(5));
  }

  @Test
  void arraysMustHaveOneTargetRowPerInputRow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of(new double[3][2], new double[2]));
    assertTrue(e.getMessage().contains("3 input rows but 2 target rows"), e.getMessage());
  }
}
