package io.github.chainrule.nn.data;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads numeric CSV: a header line of column names, then one line per example with a number in
 * each column. Fields are separated by commas and trimmed; a field may be double-quoted (no commas
 * or quotes inside a number are needed). Blank lines and lines starting with {@code #} are skipped.
 * NaN and infinities are refused: they mark missing values, which training would only trip over later.
 * Every error names the source, the line number (1 = header) and the column by name and position.
 */
final class Csv {
  private Csv() {}

  static Dataset read(Path file, List<String> inputColumns, List<String> targetColumns) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString(), inputColumns, targetColumns);
    }
  }

  static Dataset read(Reader reader, String source, List<String> inputColumns, List<String> targetColumns)
      throws IOException {
    checkArgument(!targetColumns.isEmpty(), "CSV %s: name at least one target column", source);
    BufferedReader in = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
    String headerLine = in.readLine();
    int lineNo = 1;
    while (headerLine != null && skippable(headerLine)) {
      headerLine = in.readLine();
      lineNo++;
    }
    if (headerLine == null) {
      throw new IllegalArgumentException("CSV " + source + ": the file is empty; expected a header line of column names");
    }
    List<String> header = split(headerLine, source, lineNo);
    Map<String, Integer> columnOf = new HashMap<>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("CSV " + source + " line " + lineNo + ": column " + (c + 1)
            + " of the header has no name");
      }
      Integer previous = columnOf.put(name, c);
      if (previous != null) {
        throw new IllegalArgumentException("CSV " + source + " line " + lineNo + ": column name '" + name
            + "' appears twice (columns " + (previous + 1) + " and " + (c + 1) + ")");
      }
    }
    List<String> inputs = new ArrayList<>(inputColumns);
    if (inputs.isEmpty()) {
      for (String h : header) {
        if (!targetColumns.contains(h)) {
          inputs.add(h);
        }
      }
    }
    int[] xCols = resolve(source, header, columnOf, inputs, "input");
    int[] yCols = resolve(source, header, columnOf, targetColumns, "target");

    List<double[]> rows = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (skippable(line)) {
        continue;
      }
      List<String> fields = split(line, source, lineNo);
      if (fields.size() != header.size()) {
        throw new IllegalArgumentException("CSV " + source + " line " + lineNo + ": " + fields.size()
            + " fields but the header has " + header.size() + " columns " + header);
      }
      double[] row = new double[header.size()];
      for (int c = 0; c < row.length; c++) {
        row[c] = parse(fields.get(c), source, lineNo, c, header.get(c));
      }
      rows.add(row);
    }
    int n = rows.size();
    double[] x = new double[n * xCols.length];
    double[] y = new double[n * yCols.length];
    for (int r = 0; r < n; r++) {
      double[] row = rows.get(r);
      for (int j = 0; j < xCols.length; j++) {
        x[r * xCols.length + j] = row[xCols[j]];
      }
      for (int j = 0; j < yCols.length; j++) {
        y[r * yCols.length + j] = row[yCols[j]];
      }
    }
    return Dataset.named(Tensor.wrap(x, n, xCols.length), Tensor.wrap(y, n, yCols.length), inputs, targetColumns);
  }

  private static boolean skippable(String line) {
    String t = line.strip();
    return t.isEmpty() || t.startsWith("#");
  }

  private static int[] resolve(String source, List<String> header, Map<String, Integer> columnOf,
      List<String> names, String role) {
    int[] cols = new int[names.size()];
    for (int i = 0; i < cols.length; i++) {
      Integer c = columnOf.get(names.get(i));
      if (c == null) {
        throw new IllegalArgumentException("CSV " + source + ": no " + role + " column named '" + names.get(i)
            + "'; the header has " + header);
      }
      cols[i] = c;
    }
    return cols;
  }

  private static double parse(String field, String source, int lineNo, int col, String name) {
    double v;
    try {
      if (field.isEmpty()) {
        throw new NumberFormatException();
      }
      v = Double.parseDouble(field);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("CSV " + source + " line " + lineNo + ", column '" + name + "' (" + (col + 1)
          + "): '" + field + "' is not a number", e);
    }
    // NaN usually marks a missing value; training on it only fails later, far from the cause.
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("CSV " + source + " line " + lineNo + ", column '" + name + "' (" + (col + 1)
          + "): '" + field + "' is not a finite number; fill in or drop missing values before loading");
    }
    return v;
  }

  /** Splits one line on commas, honouring double quotes ("" is a quote inside a quoted field). */
  static List<String> split(String line, String source, int lineNo) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("CSV " + source + " line " + lineNo + ": a quoted field is not closed");
    }
    out.add(cur.toString().strip());
    return out;
  }
}
