package io.github.chainrule.autodiff;

import io.github.chainrule.autodiff.testing.RandomTensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Independent graphs on different threads do not interfere: grad mode is per thread, and models
 * trained in parallel end bit for bit where the same models trained one after another end.
 */
class ConcurrencyTest {

  /** Trains a 3-16-1 tanh network on a fixed regression task with full-batch SGD; returns its weights. */
  static double[] train(long seed, int steps) {
    Tensor x = RandomTensors.uniform(seed, -1, 1, 64, 3);
    Tensor y = x.matmul(Tensor.vector(0.5, -1.0, 2.0)).sin().reshape(64, 1);
    Tensor w1 = RandomTensors.randn(seed + 1, 3, 16).mul(0.5).detach().requiresGrad();
    Tensor b1 = Tensor.zeros(16).requiresGrad();
    Tensor w2 = RandomTensors.randn(seed + 2, 16, 1).mul(0.25).detach().requiresGrad();
    Tensor[] params = {w1, b1, w2};
    for (int step = 0; step < steps; step++) {
      Tensor loss = x.matmul(w1).add(b1).tanh().matmul(w2).sub(y).square().mean();
      Backward.from(loss).keepIntermediateGrads(false).run();
      try (GradMode.Scope scope = GradMode.disabled()) {
        for (Tensor p : params) {
          double[] v = p.data();
          double[] g = p.grad().data();
          for (int i = 0; i < v.length; i++) {
            v[i] -= 0.1 * g[i];
          }
          p.zeroGrad();
        }
      }
    }
    double[] all = new double[3 * 16 + 16 + 16];
    System.arraycopy(w1.data(), 0, all, 0, 48);
    System.arraycopy(b1.data(), 0, all, 48, 16);
    System.arraycopy(w2.data(), 0, all, 64, 16);
    return all;
  }

  @Test
  void modelsTrainedInParallelThreadsMatchSequentialRunsBitForBit() throws Exception {
    int models = 4;
    List<double[]> sequential = new ArrayList<>();
    for (int m = 0; m < models; m++) {
      sequential.add(train(100 + m, 50));
    }
    ExecutorService pool = Executors.newFixedThreadPool(models);
    try {
      List<Future<double[]>> parallel = new ArrayList<>();
      for (int m = 0; m < models; m++) {
        long seed = 100 + m;
        parallel.add(pool.submit(() -> train(seed, 50)));
      }
      for (int m = 0; m < models; m++) {
        double[] expected = sequential.get(m);
        double[] actual = parallel.get(m).get();
        for (int i = 0; i < expected.length; i++) {
          assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
              "model " + m + " weight " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    // The models really differ from each other, so the comparison above means something.
    assertFalse(java.util.Arrays.equals(sequential.get(0), sequential.get(1)));
  }

  @Test
  void noGradInOneThreadLeavesAnotherRecording() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (GradMode.Scope scope = GradMode.disabled()) {
      Tensor w = Tensor.scalar(2).requiresGrad();
      assertFalse(w.mul(w).needsGrad());
      Future<Boolean> recorded = pool.submit(() -> {
        Tensor v = Tensor.scalar(2).requiresGrad();
        return v.mul(v).needsGrad();
      });
      assertTrue(recorded.get());
    } finally {
      pool.shutdownNow();
    }
    double[] again = train(7, 3);
    assertArrayEquals(again, train(7, 3), 0);
  }
}
