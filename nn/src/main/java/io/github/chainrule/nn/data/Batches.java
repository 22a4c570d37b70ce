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
 * never on how many epochs were drawn before. Drawing the epochs in order costs the same for every
 * epoch (the splits so far are remembered); going back to an earlier epoch starts the splits again.
 *
 * <p>With batch size 1 and no shuffle, training visits rows in file order and updates after each:
 * the per-row SGD of a spreadsheet.
 */
public final class Batches {
  private final Dataset data;
  private final int size;
  private final boolean shuffle;
  private final long seed;
  /** The root generator after {@code splitEpoch + 1} splits, so the next epoch costs one split. */
  private SplittableRandom splits;
  private int splitEpoch = -1;

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
    checkArgument(epoch >= 0, "batches: epoch must be >= 0, got %s", epoch);
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom rng = generator(epoch);
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
    }
    return order;
  }

  /** The (epoch + 1)-th split of the seed's generator. */
  private synchronized SplittableRandom generator(int epoch) {
    if (splits == null || epoch <= splitEpoch) {
      splits = new SplittableRandom(seed);
      splitEpoch = -1;
    }
    SplittableRandom rng = null;
    while (splitEpoch < epoch) {
      rng = splits.split();
      splitEpoch++;
    }
    return rng;
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
