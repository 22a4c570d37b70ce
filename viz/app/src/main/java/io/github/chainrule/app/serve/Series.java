package io.github.chainrule.app.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Arrays;

/**
 * Rows recorded per training step in bounded memory: when full, every other row is dropped and
 * only every second step is kept from then on, so a run of any length holds at most {@code
 * capacity} rows spread evenly over it.
 */
final class Series {
  private final int capacity;
  private double[][] rows;
  private int size;
  private long stride = 1;
  private long offered;

  Series(int capacity) {
    this.capacity = capacity;
    this.rows = new double[16][];
  }

  void add(double... row) {
    if (offered++ % stride != 0) {
      return;
    }
    if (size == capacity) {
      int kept = 0;
      for (int i = 0; i < size; i += 2) {
        rows[kept++] = rows[i];
      }
      Arrays.fill(rows, kept, size, null);
      size = kept;
      stride *= 2;
      if ((offered - 1) % stride != 0) {
        return;
      }
    }
    if (size == rows.length) {
      rows = Arrays.copyOf(rows, Math.min(capacity, rows.length * 2));
    }
    rows[size++] = row;
  }

  int size() {
    return size;
  }

  double[] row(int i) {
    return rows[i];
  }

  void clear() {
    rows = new double[16][];
    size = 0;
    stride = 1;
    offered = 0;
  }

  /** Column {@code c} of every row into {@code out}; NaN (not JSON) becomes null. */
  void column(int c, ArrayNode out) {
    for (int i = 0; i < size; i++) {
      double v = rows[i][c];
      if (Double.isFinite(v)) {
        out.add(v);
      } else {
        out.addNull();
      }
    }
  }
}
