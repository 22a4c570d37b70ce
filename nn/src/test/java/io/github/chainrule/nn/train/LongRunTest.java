package io.github.chainrule.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.nn.data.Batches;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Runs of any length: every step costs the same however many came before, the history's memory is
 * bounded by thinning it evenly, and the progress display keeps moving.
 */
class LongRunTest {
  private static final Dataset LINE = Dataset.of(new double[][] {{1}, {2}, {3}, {4}}, new double[] {3, 5, 7, 9});

  private static Linear line() {
    Linear l = new Linear(1, 1);
    l.set("weight", 0.5);
    l.set("bias", 0.0);
    return l;
  }

  private static History fit(Batches data, int epochs, int limit) {
    Linear l = line();
    return Trainer.of(l, Losses.mse(), Sgd.of(l, 0.01)).recordParameters(true).historyLimit(limit)
        .progress(Progress.off()).fit(data, epochs);
  }

  @Test
  void aThinnedHistoryKeepsEvenlySpacedStepsOfTheFullOne() {
    Batches data = LINE.batches(2).shuffle(3);   // 2 steps per epoch
    History full = fit(data, 50, 1000);
    History thin = fit(data, 50, 8);
    assertEquals(1, full.stride());
    assertEquals(100, full.stepLosses().length);

    assertEquals(100, thin.steps(), "the counts stay exact");
    assertEquals(50, thin.epochs());
    assertEquals(full.lastLoss(), thin.lastLoss());
    // 100 steps into at most 8 slots: kept 0, 16, 32, ..., 96 once the stride reached 16.
    assertEquals(16, thin.stride());
    assertArrayEquals(new int[] {0, 16, 32, 48, 64, 80, 96}, thin.stepNumbers());
    for (int i = 0; i < thin.stepNumbers().length; i++) {
      int step = thin.stepNumbers()[i];
      assertEquals(full.stepLosses()[step], thin.stepLosses()[i], "loss of step " + step);
      assertArrayEquals(full.values("weight")[step], thin.values("weight")[i], "weight at step " + step);
      assertArrayEquals(full.gradients("bias")[step], thin.gradients("bias")[i], "bias gradient at step " + step);
    }
    double[][] values = thin.values("bias");
    assertEquals(thin.stepNumbers().length + 1, values.length, "one row per kept step and the final values");
    assertArrayEquals(full.values("bias")[100], values[values.length - 1], "the last row is after the last step");
    // 50 epochs into 8 slots: every 8th epoch.
    assertEquals(8, thin.epochStride());
    assertArrayEquals(new int[] {0, 8, 16, 24, 32, 40, 48}, thin.epochNumbers());
    for (int i = 0; i < thin.epochNumbers().length; i++) {
      assertEquals(full.epochLosses()[thin.epochNumbers()[i]], thin.epochLosses()[i]);
    }
  }

  @Test
  void theDefaultLimitBoundsTheRecordOfAnyRun() {
    History h = fit(LINE.fullBatch(), History.DEFAULT_LIMIT + 2, History.DEFAULT_LIMIT);
    assertEquals(History.DEFAULT_LIMIT + 2, h.steps());
    assertEquals(2, h.stride());
    assertEquals(History.DEFAULT_LIMIT / 2 + 1, h.stepLosses().length);
    assertEquals(History.DEFAULT_LIMIT / 2 + 2, h.values("weight").length);
    assertEquals(History.DEFAULT_LIMIT / 2 + 1, h.epochLosses().length);
    assertTrue(h.toString().contains("65538 steps, 65538 epochs, last loss ") && h.toString().contains(", 1 step in 2 kept"),
        h.toString());
  }

  /** Bytes this thread allocates per epoch over a run of {@code epochs}. */
  private static double bytesPerEpoch(Batches data, int epochs) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    Linear l = line();
    Trainer t = Trainer.of(l, Losses.mse(), Sgd.of(l, 0.01)).recordParameters(true).progress(Progress.off());
    long before = threads.getThreadAllocatedBytes(id);
    t.fit(data, epochs);
    return (threads.getThreadAllocatedBytes(id) - before) / (double) epochs;
  }

  @Test
  void anEpochAllocatesAsMuchAtTheTenThousandthAsAtTheThousandth() {
    // A count, not a clock: copying the epoch losses every epoch (or re-drawing every earlier
    // epoch's shuffle) allocates in proportion to the epochs so far, 10 times more per epoch here.
    for (Batches data : new Batches[] {LINE.fullBatch(), LINE.batches(2).shuffle(5)}) {
      bytesPerEpoch(data, 2000);   // warm up, so both runs are compiled alike
      double short1k = bytesPerEpoch(data, 1000);
      double long10k = bytesPerEpoch(data, 10_000);
      assertTrue(long10k < 1.5 * short1k, data + ": " + short1k + " bytes per epoch over 1,000 epochs, " + long10k
          + " over 10,000");
    }
  }

  @Test
  void textProgressSpeaksUpOnTimeWhenATenthIsFarAway() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong now = new AtomicLong();
    Progress p = new Progress(Progress.Mode.TEXT, new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
    p.start(2_000_000_000L);
    p.step(1, 0, 4.0);
    p.step(2, 1, 3.0);
    now.addAndGet(TimeUnit.SECONDS.toNanos(Progress.TEXT_EVERY_SECONDS));
    p.step(3, 2, 2.0);
    p.step(4, 3, 1.0);
    p.close();
    assertEquals("fit: step 3/2000000000, epoch 3, loss 2\n", bytes.toString(StandardCharsets.UTF_8));
  }
}
