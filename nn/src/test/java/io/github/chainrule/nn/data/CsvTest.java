package io.github.chainrule.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV as spreadsheets export it: what is read, what is skipped, and what each refusal says. */
class CsvTest {

  private static Dataset csv(String text, List<String> inputs, List<String> targets) throws IOException {
    return Dataset.fromCsv(new StringReader(text), "data.csv", inputs, targets);
  }

  private static String error(String text, List<String> inputs, List<String> targets) {
    return assertThrows(IllegalArgumentException.class, () -> csv(text, inputs, targets)).getMessage();
  }

  @Test
  void aSpreadsheetExportReadsAsWritten(@TempDir Path dir) throws IOException {
    // What Excel's "CSV UTF-8" gives: a byte order mark, CRLF line ends, quotes around text with
    // commas or line breaks, an empty row as commas only, and a final line end.
    Path f = dir.resolve("sheet.csv");
    Files.write(f, ("\uFEFF\"id\",x,y,note\r\n"
        + "a1,1,2,\"plain\"\r\n"
        + ",,,\r\n"
        + "a2,3,4,\"two\r\nlines, and a \"\"quote\"\"\"\r\n"
        + "\r\n"
        + "a3, 5 ,\"6\",\r\n").getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("id", "x", "y", "note"), Csv.columns(f));
    Dataset d = Dataset.fromCsv(f, List.of("x"), List.of("y"));
    assertEquals(3, d.size());
    assertArrayEquals(new double[] {1, 3, 5}, d.inputs().data());
    assertArrayEquals(new double[] {2, 4, 6}, d.targets().data());
  }

  @Test
  void onlyTheColumnsAskedForMustHoldNumbers() throws IOException {
    // Unused columns may hold text, be unnamed (pandas' index column) or share a name.
    Dataset d = csv(",name,x,name,y\n0,alice,1,n/a,10\n1,bob,2,,20\n", List.of("x"), List.of("y"));
    assertArrayEquals(new double[] {1, 2}, d.inputs().data());
    assertArrayEquals(new double[] {10, 20}, d.targets().data());
  }

  @Test
  void textInAUsedColumnNamesTheSourceLineColumnAndCell() {
    // The quoted line break in row 2 moves row 3 to line 4.
    String bad = error("x,note,y\n1,\"a\nb\",2\n3,c,three\n", List.of("x"), List.of("y"));
    assertEquals("CSV data.csv line 4, column 'y' (3): 'three' is not a number", bad);
    String empty = error("x,y\n1, \n", List.of("x"), List.of("y"));
    assertEquals("CSV data.csv line 2, column 'y' (2): '' (an empty cell) is not a number; fill in or drop missing "
        + "values before loading", empty);
    String infinite = error("x,y\n1e400,2\n", List.of("x"), List.of("y"));
    assertEquals("CSV data.csv line 2, column 'x' (1): '1e400' is not a finite number; fill in or drop missing values "
        + "before loading", infinite);
  }

  @Test
  void aRepeatedOrUnnamedColumnIsRefusedOnlyWhenUsed() {
    String twice = error("x,y,x\n1,2,3\n", List.of("x"), List.of("y"));
    assertEquals("CSV data.csv line 1: column name 'x' appears twice (columns 1 and 3), so the input column is "
        + "ambiguous", twice);
    // Every non-target column is used when no inputs are named, so an unnamed one cannot be.
    String unnamed = error("x,,y\n1,2,3\n", List.of(), List.of("y"));
    assertEquals("CSV data.csv line 1: column 2 of the header has no name", unnamed);
  }

  @Test
  void aHeaderAloneIsAnEmptyDatasetAndNothingIsAnError() throws IOException {
    assertEquals(0, csv("x,y\r\n\r\n", List.of("x"), List.of("y")).size());
    assertEquals("CSV data.csv: the file is empty; expected a header line of column names",
        error("\uFEFF\n\n# only a comment\n", List.of(), List.of("y")));
    assertEquals("CSV data.csv line 2: a quoted field is not closed", error("x,y\n1,\"2\n3,4\n", List.of(), List.of("y")));
  }
}
