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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CSV as spreadsheets export it: a header line of column names, then one line per example.
 * <ul>
 *   <li>Fields are separated by commas and trimmed. A field may be double-quoted, with {@code ""} for
 *       a quote and line breaks inside; CRLF line ends and a leading UTF-8 byte order mark are fine.</li>
 *   <li>Blank lines, lines of empty fields only (a blank spreadsheet row) and lines starting with
 *       {@code #} are skipped.</li>
 *   <li>Only the columns asked for must hold numbers: other columns (an id, a label) may hold
 *       anything, and may even be unnamed or share a name. Every line must have the header's number of
 *       fields.</li>
 *   <li>Empty cells, NaN and infinities in a used column are refused: they mark missing values, which
 *       training would only trip over later.</li>
 * </ul>
 * Every error names the source, the line number (1 = header) and the column by name and position.
 */
public final class Csv {
  private static final char BYTE_ORDER_MARK = '\uFEFF';

  private Csv() {}

  /**
   * The column names of the file's header, in file order (an unnamed column is {@code ""}), so that
   * a caller can choose its columns before reading the rows.
   */
  public static List<String> columns(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new Records(r, file.toString()).header();
    }
  }

  static Dataset read(Path file, List<String> inputColumns, List<String> targetColumns) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString(), inputColumns, targetColumns);
    }
  }

  static Dataset read(Reader reader, String source, List<String> inputColumns, List<String> targetColumns)
      throws IOException {
    checkArgument(!targetColumns.isEmpty(), "CSV %s: name at least one target column", source);
    Records in = new Records(reader, source);
    List<String> header = in.header();
    List<String> inputs = new ArrayList<>(inputColumns);
    if (inputs.isEmpty()) {
      for (int c = 0; c < header.size(); c++) {
        if (header.get(c).isEmpty()) {
          throw new IllegalArgumentException("CSV " + source + " line " + in.line + ": column " + (c + 1)
              + " of the header has no name");
        }
        if (!targetColumns.contains(header.get(c))) {
          inputs.add(header.get(c));
        }
      }
    }
    int[] yCols = resolve(in, header, targetColumns, "target");
    int[] xCols = resolve(in, header, inputs, "input");

    List<double[]> xRows = new ArrayList<>();
    List<double[]> yRows = new ArrayList<>();
    List<String> fields;
    while ((fields = in.next()) != null) {
      if (fields.size() != header.size()) {
        throw new IllegalArgumentException("CSV " + source + " line " + in.line + ": " + fields.size()
            + " fields but the header has " + header.size() + " columns " + header + separatorHint(header));
      }
      xRows.add(parse(fields, xCols, header, in));
      yRows.add(parse(fields, yCols, header, in));
    }
    return Dataset.named(matrix(xRows, xCols.length), matrix(yRows, yCols.length), inputs, targetColumns);
  }

  private static int[] resolve(Records in, List<String> header, List<String> names, String role) {
    int[] cols = new int[names.size()];
    for (int i = 0; i < cols.length; i++) {
      String name = names.get(i);
      int c = header.indexOf(name);
      if (c < 0 || name.isEmpty()) {
        throw new IllegalArgumentException("CSV " + in.source + ": no " + role + " column named '" + name
            + "'; the header has " + header + separatorHint(header));
      }
      int again = header.lastIndexOf(name);
      if (again != c) {
        throw new IllegalArgumentException("CSV " + in.source + " line " + in.headerLine + ": column name '" + name
            + "' appears twice (columns " + (c + 1) + " and " + (again + 1) + "), so the " + role
            + " column is ambiguous");
      }
      cols[i] = c;
    }
    return cols;
  }

  /**
   * "; the file seems to use ';' as separator..." when a header name holds a semicolon or a tab,
   * which spreadsheets in locales with a decimal comma write instead of commas; else "". Not read
   * as a separator: such files also write 1,5 for 1.5.
   */
  private static String separatorHint(List<String> header) {
    for (String separator : List.of(";", "\t")) {
      if (header.stream().anyMatch(h -> h.contains(separator))) {
        return "; the file seems to use '" + (separator.equals("\t") ? "\\t" : separator) + "' as separator; "
            + "chainrule reads comma-separated files";
      }
    }
    return "";
  }

  private static double[] parse(List<String> fields, int[] cols, List<String> header, Records in) {
    double[] row = new double[cols.length];
    for (int j = 0; j < cols.length; j++) {
      row[j] = parse(fields.get(cols[j]), in, cols[j], header.get(cols[j]));
    }
    return row;
  }

  private static double parse(String field, Records in, int col, String name) {
    String where = "CSV " + in.source + " line " + in.line + ", column '" + name + "' (" + (col + 1) + "): ";
    // An empty cell or NaN usually marks a missing value; training on it only fails later, far from the cause.
    if (field.isEmpty()) {
      throw new IllegalArgumentException(where + "'' (an empty cell) is not a number; fill in or drop missing "
          + "values before loading");
    }
    double v;
    try {
      v = Double.parseDouble(field);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + "'" + field + "' is not a number", e);
    }
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(where + "'" + field + "' is not a finite number; fill in or drop missing "
          + "values before loading");
    }
    return v;
  }

  private static Tensor matrix(List<double[]> rows, int width) {
    double[] flat = new double[rows.size() * width];
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r), 0, flat, r * width, width);
    }
    return Tensor.wrap(flat, rows.size(), width);
  }

  /**
   * The records of a CSV text, one at a time, as lists of trimmed fields. A record is one line, or
   * several when a quoted field holds line breaks; {@link #line} is the line it starts on.
   */
  private static final class Records {
    final String source;
    private final BufferedReader in;
    private int read;
    int line;
    int headerLine;

    Records(Reader reader, String source) {
      this.source = source;
      this.in = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
    }

    List<String> header() throws IOException {
      List<String> header = next();
      if (header == null) {
        throw new IllegalArgumentException("CSV " + source + ": the file is empty; expected a header line of "
            + "column names");
      }
      headerLine = line;
      return Collections.unmodifiableList(header);
    }

    /** The next record that is not blank or a comment; null at the end of the text. */
    List<String> next() throws IOException {
      String text;
      while ((text = readLine()) != null) {
        if (read == 1 && !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
          text = text.substring(1);
        }
        String t = text.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        line = read;
        List<String> fields = split(text);
        if (!fields.stream().allMatch(String::isEmpty)) {
          return fields;
        }
      }
      return null;
    }

    private String readLine() throws IOException {
      String s = in.readLine();
      if (s != null) {
        read++;
      }
      return s;
    }

    /** Splits on commas outside double quotes ({@code ""} is a quote inside a quoted field). */
    private List<String> split(String text) throws IOException {
      List<String> out = new ArrayList<>();
      StringBuilder cur = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; ; i++) {
        if (i == text.length()) {
          if (!quoted) {
            break;
          }
          // A line break inside quotes belongs to the field: the record goes on on the next line.
          text = readLine();
          if (text == null) {
            throw new IllegalArgumentException("CSV " + source + " line " + line + ": a quoted field is not closed");
          }
          cur.append('\n');
          i = -1;
          continue;
        }
        char ch = text.charAt(i);
        if (quoted) {
          if (ch != '"') {
            cur.append(ch);
          } else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
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
      out.add(cur.toString().strip());
      return out;
    }
  }
}
