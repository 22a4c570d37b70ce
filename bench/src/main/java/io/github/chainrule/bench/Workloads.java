package io.github.chainrule.bench;

import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The workloads of the comparison, written with the public Tensor API the way a user would write
 * them, so that the benchmarks and {@code bench/torch_bench.py} compute the same things. Every
 * workload here has a twin of the same name in the Python script.
 */
public final class Workloads {
  private static final Kernels K = Kernels.get();

  private Workloads() {}

  // ---------------------------------------------------------------- batched MLP

  /**
   * A fully connected ReLU network trained by plain SGD: x·W + b per layer, ReLU between layers.
   * One output: mean squared error against a target; several: softmax cross-entropy against
   * labels. Layer sizes like {@code 784-256-10}.
   */
  public static final class Mlp {
    final Tensor[] weights;
    final Tensor[] biases;
    final Tensor x;
    final Tensor target;
    final int[] labels;
    final double lr;
    boolean fuseBiasRelu;

    /** Hidden layers' bias + ReLU as one addRelu node instead of add then relu. Returns {@code this}. */
    public Mlp fuseBiasRelu(boolean fuse) {
      this.fuseBiasRelu = fuse;
      return this;
    }

    public Mlp(int[] sizes, int batch, long seed, double lr) {
      this.lr = lr;
      int layers = sizes.length - 1;
      weights = new Tensor[layers];
      biases = new Tensor[layers];
      for (int l = 0; l < layers; l++) {
        // He initialisation keeps activations of the same scale through the ReLUs.
        weights[l] = RandomTensors.randn(seed + l, sizes[l], sizes[l + 1])
            .mul(Math.sqrt(2.0 / sizes[l])).named("W" + (l + 1)).requiresGrad();
        biases[l] = Tensor.zeros(sizes[l + 1]).named("b" + (l + 1)).requiresGrad();
      }
      x = RandomTensors.randn(seed + 100, batch, sizes[0]).named("x");
      int out = sizes[layers];
      SplittableRandom rng = new SplittableRandom(seed + 200);
      labels = new int[batch];
      for (int i = 0; i < batch; i++) {
        labels[i] = rng.nextInt(out);
      }
      target = RandomTensors.randn(seed + 300, batch, out).named("y");
    }

    /** Forward, backward and SGD update; returns the loss before the update. */
    public double step() {
      Tensor h = x;
      for (int l = 0; l < weights.length; l++) {
        boolean hidden = l < weights.length - 1;
        if (hidden && fuseBiasRelu) {
          h = Tensor.apply(io.github.chainrule.autodiff.ops.Arithmetic.ADD_RELU, h.matmul(weights[l]), biases[l]);
        } else {
          h = h.matmul(weights[l]).add(biases[l]);
          if (hidden) {
            h = h.relu();
          }
        }
      }
      Tensor loss = labels.length > 0 && h.shapeRef()[1] > 1
          ? h.logSoftmax(1).gather(1, labels).mean().neg()
          : h.sub(target).square().mean();
      // Training needs the leaves' gradients only; keeping every intermediate's is for inspection.
      Backward.from(loss).keepIntermediateGrads(false).run();
      for (int l = 0; l < weights.length; l++) {
        sgd(weights[l], lr);
        sgd(biases[l], lr);
      }
      return loss.item();
    }
  }

  /** p ← p − lr·∇p in place, then forget the gradient. */
  static void sgd(Tensor p, double lr) {
    K.axpy(-lr, p.grad().data(), 0, p.data(), 0, p.size());
    p.zeroGrad();
  }

  /** Parses {@code "784-256-10"}. */
  public static int[] sizes(String spec) {
    String[] parts = spec.split("-");
    int[] s = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      s[i] = Integer.parseInt(parts[i]);
    }
    return s;
  }

  // ---------------------------------------------------------------- 1 -> 1024 -> 1, batch 1

  /**
   * h(x) = Σ_i w_i·relu(a_i·x + b_i) with 1024 hidden units, fitted to cos(2x + 20x²) on 256
   * points in [-1, 1] by SGD one point at a time: the shape of training where per-op overhead,
   * not arithmetic, decides the speed.
   */
  public static final class WideSgd {
    final Tensor a = RandomTensors.randn(1, 1, 1024).named("a").requiresGrad();
    final Tensor b = RandomTensors.uniform(2, -1, 1, 1024).named("b").requiresGrad();
    final Tensor w = RandomTensors.randn(3, 1024, 1).mul(1.0 / 32).named("w").requiresGrad();
    final Tensor[] xs = new Tensor[256];
    final Tensor[] ys = new Tensor[256];
    int next;

    public WideSgd() {
      for (int i = 0; i < 256; i++) {
        double x = -1 + 2.0 * i / 255;
        xs[i] = Tensor.of(new double[] {x}, 1, 1);
        ys[i] = Tensor.of(new double[] {Math.cos(2 * x + 20 * x * x)}, 1, 1);
      }
    }

    /** One SGD step on the next point; returns its squared error before the step. */
    public double step() {
      int i = next;
      next = (next + 1) % 256;
      Tensor h = xs[i].matmul(a).add(b).relu().matmul(w);
      Tensor loss = h.sub(ys[i]).square().sum();
      Backward.from(loss).keepIntermediateGrads(false).run();
      sgd(a, 1e-3);
      sgd(b, 1e-3);
      sgd(w, 1e-3);
      return loss.item();
    }
  }

  // ---------------------------------------------------------------- micrograd's demo, scalars

  /**
   * micrograd's demo.ipynb as a user would port it: an MLP 2-16-16-1 of scalar (rank-0) tensors,
   * one node per multiply and add, trained full batch on 100 points of two moons with the SVM
   * "max-margin" loss mean(relu(1 − y·score)) plus 1e-4·Σp², learning rate 1 − 0.9·k/100.
   */
  public static final class MicrogradDemo {
    final List<Tensor[]> neurons = new ArrayList<>(); // each: weights..., bias
    final int[] layerSizes = {2, 16, 16, 1};
    final List<Tensor> params = new ArrayList<>();
    final Tensor[][] xs = new Tensor[100][];
    final double[] ys = new double[100];
    int k;

    public MicrogradDemo() {
      SplittableRandom rng = new SplittableRandom(1337);
      for (int l = 0; l < 3; l++) {
        for (int j = 0; j < layerSizes[l + 1]; j++) {
          Tensor[] n = new Tensor[layerSizes[l] + 1];
          for (int i = 0; i < n.length; i++) {
            n[i] = Tensor.scalar(i < n.length - 1 ? rng.nextDouble(-1, 1) : 0.0).requiresGrad();
            params.add(n[i]);
          }
          neurons.add(n);
        }
      }
      // Two interleaving half circles with noise 0.1, as sklearn's make_moons(100, noise=0.1).
      for (int i = 0; i < 100; i++) {
        boolean upper = i < 50;
        double t = Math.PI * (upper ? i : i - 50) / 49;
        double px = upper ? Math.cos(t) : 1 - Math.cos(t);
        double py = upper ? Math.sin(t) : 0.5 - Math.sin(t);
        xs[i] = new Tensor[] {
          Tensor.scalar(px + 0.1 * gaussian(rng)), Tensor.scalar(py + 0.1 * gaussian(rng))};
        ys[i] = upper ? -1 : 1;
      }
    }

    static double gaussian(SplittableRandom rng) {
      return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    Tensor score(Tensor[] input) {
      Tensor[] act = input;
      int neuron = 0;
      for (int l = 0; l < 3; l++) {
        Tensor[] out = new Tensor[layerSizes[l + 1]];
        for (int j = 0; j < out.length; j++) {
          Tensor[] n = neurons.get(neuron++);
          // micrograd: sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
          Tensor s = n[n.length - 1];
          for (int i = 0; i < act.length; i++) {
            s = s.add(n[i].mul(act[i]));
          }
          out[j] = l < 2 ? s.relu() : s;
        }
        act = out;
      }
      return act[0];
    }

    /** Forward over all 100 points, backward, SGD; returns the loss before the update. */
    public double step() {
      Tensor dataLoss = Tensor.scalar(0);
      for (int i = 0; i < 100; i++) {
        dataLoss = dataLoss.add(score(xs[i]).mul(-ys[i]).add(1).relu());
      }
      dataLoss = dataLoss.mul(1.0 / 100);
      Tensor reg = Tensor.scalar(0);
      for (Tensor p : params) {
        reg = reg.add(p.mul(p));
      }
      Tensor total = dataLoss.add(reg.mul(1e-4));
      for (Tensor p : params) {
        p.zeroGrad();
      }
      total.backward();
      double lr = 1.0 - 0.9 * k / 100;
      k = (k + 1) % 100;
      for (Tensor p : params) {
        p.data()[0] -= lr * p.grad().item();
      }
      return total.item();
    }
  }

  /**
   * micrograd's demo network with its adjoint written by hand in plain doubles: the same model,
   * data, initial weights, loss and learning-rate schedule as {@link MicrogradDemo}, computed the
   * way a numerical programmer would without an AD tool. It is the classic yardstick of AD
   * overhead: the scalar graph's step divided by this one's is the price of the graph. The forward
   * pass adds in micrograd's order (bias first, then w_i·x_i), so the loss is the scalar graph's
   * bit for bit; gradients sum in a different order and agree to rounding.
   */
  public static final class MicrogradAdjoint {
    // Layer l: w[l][j][i] is neuron j's weight for input i, b[l][j] its bias.
    final double[][][] w = new double[3][][];
    final double[][] b = new double[3][];
    final double[][][] gw = new double[3][][];
    final double[][] gb = new double[3][];
    final int[] sizes = {2, 16, 16, 1};
    final double[][] xs = new double[100][];
    final double[] ys = new double[100];
    // Per-point activations kept for the backward pass: pre-activations z and outputs h per layer.
    final double[][] z = new double[3][];
    final double[][] h = new double[3][];
    final double[][] dz = new double[3][];
    int k;

    public MicrogradAdjoint() {
      // The same generator sequence as MicrogradDemo: weights then bias, neuron by neuron, then data.
      SplittableRandom rng = new SplittableRandom(1337);
      for (int l = 0; l < 3; l++) {
        w[l] = new double[sizes[l + 1]][sizes[l]];
        b[l] = new double[sizes[l + 1]];
        gw[l] = new double[sizes[l + 1]][sizes[l]];
        gb[l] = new double[sizes[l + 1]];
        z[l] = new double[sizes[l + 1]];
        h[l] = new double[sizes[l + 1]];
        dz[l] = new double[sizes[l + 1]];
        for (int j = 0; j < sizes[l + 1]; j++) {
          for (int i = 0; i < sizes[l]; i++) {
            w[l][j][i] = rng.nextDouble(-1, 1);
          }
          b[l][j] = 0.0;
        }
      }
      for (int i = 0; i < 100; i++) {
        boolean upper = i < 50;
        double t = Math.PI * (upper ? i : i - 50) / 49;
        double px = upper ? Math.cos(t) : 1 - Math.cos(t);
        double py = upper ? Math.sin(t) : 0.5 - Math.sin(t);
        xs[i] = new double[] {px + 0.1 * MicrogradDemo.gaussian(rng), py + 0.1 * MicrogradDemo.gaussian(rng)};
        ys[i] = upper ? -1 : 1;
      }
    }

    /** Forward over all 100 points, backward, SGD; returns the loss before the update. */
    public double step() {
      for (int l = 0; l < 3; l++) {
        for (int j = 0; j < sizes[l + 1]; j++) {
          java.util.Arrays.fill(gw[l][j], 0.0);
        }
        java.util.Arrays.fill(gb[l], 0.0);
      }
      double dataLoss = 0;
      for (int p = 0; p < 100; p++) {
        double[] in = xs[p];
        for (int l = 0; l < 3; l++) {
          for (int j = 0; j < sizes[l + 1]; j++) {
            double s = b[l][j];
            for (int i = 0; i < sizes[l]; i++) {
              s += w[l][j][i] * in[i];
            }
            z[l][j] = s;
            h[l][j] = l < 2 ? (s <= 0 ? 0.0 : s) : s;
          }
          in = h[l];
        }
        double margin = h[2][0] * -ys[p] + 1;
        dataLoss += margin <= 0 ? 0.0 : margin;
        // d total / d score: the mean's 1/100 times relu's step times -y.
        dz[2][0] = margin > 0 ? 1.0 / 100 * -ys[p] : 0.0;
        for (int l = 2; l >= 0; l--) {
          double[] input = l == 0 ? xs[p] : h[l - 1];
          double[] dIn = l == 0 ? null : dz[l - 1];
          if (dIn != null) {
            java.util.Arrays.fill(dIn, 0.0);
          }
          for (int j = 0; j < sizes[l + 1]; j++) {
            double g = dz[l][j];
            gb[l][j] += g;
            for (int i = 0; i < sizes[l]; i++) {
              gw[l][j][i] += g * input[i];
              if (dIn != null) {
                dIn[i] += g * w[l][j][i];
              }
            }
          }
          if (dIn != null) {
            for (int i = 0; i < dIn.length; i++) {
              dIn[i] = z[l - 1][i] > 0 ? dIn[i] : 0.0; // relu's step
            }
          }
        }
      }
      dataLoss = dataLoss * (1.0 / 100);
      // L2 in the scalar graph's order (weights then bias, neuron by neuron); d(p²)/dp = 2p.
      double reg = 0;
      for (int l = 0; l < 3; l++) {
        for (int j = 0; j < sizes[l + 1]; j++) {
          for (int i = 0; i < sizes[l]; i++) {
            reg += w[l][j][i] * w[l][j][i];
            gw[l][j][i] += 1e-4 * 2 * w[l][j][i];
          }
          reg += b[l][j] * b[l][j];
          gb[l][j] += 1e-4 * 2 * b[l][j];
        }
      }
      double total = dataLoss + reg * 1e-4;
      double lr = 1.0 - 0.9 * k / 100;
      k = (k + 1) % 100;
      for (int l = 0; l < 3; l++) {
        for (int j = 0; j < sizes[l + 1]; j++) {
          for (int i = 0; i < sizes[l]; i++) {
            w[l][j][i] -= lr * gw[l][j][i];
          }
          b[l][j] -= lr * gb[l][j];
        }
      }
      return total;
    }
  }

  // ---------------------------------------------------------------- a large scalar graph

  /**
   * A chain of {@code nodes} scalar ops (alternately s·c and s + x), then backward: the per-node
   * cost of the graph machinery with no arithmetic to hide it. Returns dL/dx.
   */
  public static double scalarChain(Tensor x, Tensor c, int nodes) {
    x.zeroGrad();
    Tensor s = x;
    for (int i = 0; i < nodes / 2; i++) {
      s = s.mul(c).add(x);
    }
    s.backward();
    return x.grad().item();
  }

  /**
   * {@link #scalarChain} as a plain loop over the same doubles: the forward pass stores each of
   * the {@code nodes} values in an array (the tape), the backward pass walks it in reverse and
   * stores each node's gradient, as the graph keeps one per node. Returns dL/dx, equal to what
   * the graph gives. The yardstick for the graph's per-node cost.
   */
  public static double scalarChainPlain(double x, double c, int nodes, double[] values, double[] grads) {
    int steps = nodes / 2;
    double s = x;
    for (int i = 0; i < steps; i++) {
      values[2 * i] = s * c;
      s = values[2 * i] + x;
      values[2 * i + 1] = s;
    }
    double g = 1.0; // dL/ds for the last node
    double gx = 0;
    for (int i = steps - 1; i >= 0; i--) {
      grads[2 * i + 1] = g;
      gx += g;          // s + x: the same g reaches x
      grads[2 * i] = g; // ... and the product
      g *= c;           // (s·c)' = c
    }
    return gx + g;      // the chain starts at s = x
  }
}
