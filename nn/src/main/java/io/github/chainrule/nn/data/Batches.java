package io.github.chainrule.nn.data;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How a {@link Dataset} is cut into mini-batches each epoch: a batch size and either file order or
 * a seeded shuffle.
 *
 * <p>Shuffling is reproducible: epoch e's order is a Fisher-Yates shuffle driven by {@code new
 * SplittableRandom(seed).split()} called e + 1 times, so it depends only on the seed and the epoch,
 * never on how many epochs were drawn before.
 *
 * <p>With batch size 1 and no shuffle, training visits rows in file order and updates after each:
 * the per-row SGD of a spreadsheet.
 */
public final class Batches {
  private final Dataset data;
  private final int size;
  private final boolean shuffle;
  private final long seed;

  Batches(Dataset data, int size, boolean shuffle, long seed) {
    checkArgument(size > 0, "batches: batch size must be positive, got %s", size);
    this.data = data;
    this.size = size;
    this.shuffle = shuffle;
    this.seed = seed;
  }

  /** The same batches, with rows shuffled each epoch from {@code seed}. */
  public Batches shuffle(long seed) {
    return new Batches(data, size, true, seed);
  }

  /** The same batches in file order. */
  public Batches inOrder() {
    return new Batches(data, size, false, 0L);
  }

  /** Row order for epoch {@code epoch} (0-based). */
  public int[] order(int epoch) {
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom root = new SplittableRandom(seed);
      SplittableRandom rng = root.split();
      for (int e = 0; e < epoch; e++) {
        rng = root.split();
      }
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
    }
    return order;
  }

  /** The batches of epoch {@code epoch}, built eagerly (the data is in memory anyway). */
  public List<Batch> epoch(int epoch) {
    int[] order = order(epoch);
    int n = order.length;
    int fx = data.inputs().shapeRef()[1];
    int fy = data.targets().shapeRef()[1];
    double[] x = data.inputs().data();
    double[] y = data.targets().data();
    List<Batch> out = new ArrayList<>(count());
    for (int start = 0, b = 0; start < n; start += size, b++) {
      int rows = Math.min(size, n - start);
      double[] bx = new double[rows * fx];
      double[] by = new double[rows * fy];
      int[] idx = new int[rows];
      for (int r = 0; r < rows; r++) {
        int row = order[start + r];
        idx[r] = row;
        System.arraycopy(x, row * fx, bx, r * fx, fx);
        System.arraycopy(y, row * fy, by, r * fy, fy);
      }
      out.add(new Batch(b, Tensor.wrap(bx, rows, fx).named("input"), Tensor.wrap(by, rows, fy).named("target"), idx));
    }
    return out;
  }

  /** Number of batches per epoch. */
  public int count() {
    return (data.size() + size - 1) / size;
  }

  public int batchSize() {
    return size;
  }

  public boolean shuffled() {
    return shuffle;
  }

  public Dataset dataset() {
    return data;
  }

  @Override
  public String toString() {
    return "Batches(" + data.size() + " rows, size " + size + (shuffle ? ", shuffled with seed " + seed : ", in order") + ")";
  }
}
