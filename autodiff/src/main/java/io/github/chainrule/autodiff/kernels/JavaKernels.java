package io.github.chainrule.autodiff.kernels;

/**
 * The plain-Java kernels: simple loops that HotSpot compiles well, the reference the Vector API
 * twin is tested against, and the fallback when {@code jdk.incubator.vector} is not present.
 */
public class JavaKernels implements Kernels {

  @Override
  public String name() {
    return "java";
  }

  @Override
  public void unary(Unary f, double param, double[] x, int xOff, double[] out, int outOff, int n) {
    // One loop per function, so the JIT sees a branch-free body rather than a switch per element.
    switch (f) {
      case NEG:
        for (int i = 0; i < n; i++) out[outOff + i] = -x[xOff + i];
        return;
      case SQUARE:
        for (int i = 0; i < n; i++) { double v = x[xOff + i]; out[outOff + i] = v * v; }
        return;
      case RELU:
        for (int i = 0; i < n; i++) { double v = x[xOff + i]; out[outOff + i] = v > 0 ? v : 0.0; }
        return;
      case STEP:
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] > 0 ? 1.0 : 0.0;
        return;
      case EXP:
        for (int i = 0; i < n; i++) out[outOff + i] = Math.exp(x[xOff + i]);
        return;
      default:
        for (int i = 0; i < n; i++) out[outOff + i] = f.apply(x[xOff + i], param);
    }
  }

  @Override
  public void binary(Binary f, double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n) {
    switch (f) {
      case ADD:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
        return;
      case SUB:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] - b[bOff + i];
        return;
      case MUL:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
        return;
      case DIV:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] / b[bOff + i];
        return;
      default:
        for (int i = 0; i < n; i++) out[outOff + i] = f.apply(a[aOff + i], b[bOff + i]);
    }
  }

  @Override
  public void binaryScalarRight(Binary f, double[] a, int aOff, double b, double[] out, int outOff, int n) {
    switch (f) {
      case ADD:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b;
        return;
      case MUL:
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b;
        return;
      default:
        for (int i = 0; i < n; i++) out[outOff + i] = f.apply(a[aOff + i], b);
    }
  }

  @Override
  public void binaryScalarLeft(Binary f, double a, double[] b, int bOff, double[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) out[outOff + i] = f.apply(a, b[bOff + i]);
  }

  @Override
  public void addTo(double[] x, int xOff, double[] acc, int accOff, int n) {
    for (int i = 0; i < n; i++) acc[accOff + i] += x[xOff + i];
  }

  @Override
  public double sum(double[] x, int off, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[off + i];
    return s;
  }

  @Override
  public double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
    return s;
  }

  @Override
  public void sumAxis(double[] x, int xOff, int outer, int len, int inner, double[] out, int outOff) {
    for (int o = 0; o < outer; o++) {
      int dst = outOff + o * inner;
      java.util.Arrays.fill(out, dst, dst + inner, 0.0);
      for (int j = 0; j < len; j++) {
        addTo(x, xOff + (o * len + j) * inner, out, dst, inner);
      }
    }
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, double[] b, int bOff, double[] c, int cOff) {
    java.util.Arrays.fill(c, cOff, cOff + m * n, 0.0);
    // i-p-j order keeps the innermost loop streaming over contiguous rows of B and C whenever B is
    // not transposed; the transposed-B case is a dot product of two contiguous rows instead.
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * n;
      if (!transB) {
        for (int p = 0; p < k; p++) {
          double aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
          if (aip == 0.0) {
            continue;
          }
          int bRow = bOff + p * n;
          for (int j = 0; j < n; j++) {
            c[cRow + j] += aip * b[bRow + j];
          }
        }
      } else {
        for (int j = 0; j < n; j++) {
          int bRow = bOff + j * k;
          double s = 0;
          if (transA) {
            for (int p = 0; p < k; p++) s += a[aOff + p * m + i] * b[bRow + p];
          } else {
            int aRow = aOff + i * k;
            for (int p = 0; p < k; p++) s += a[aRow + p] * b[bRow + p];
          }
          c[cRow + j] = s;
        }
      }
    }
  }
}
