package io.github.chainrule.autodiff.ops;

import io.github.chainrule.autodiff.Op;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.kernels.Kernels;
import io.github.chainrule.autodiff.ops.OpTable.Entry;
import io.github.chainrule.autodiff.ops.OpTable.Example;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Matrix products C = op(A)·op(B), where op transposes or not. The four variants are closed under
 * differentiation, so backward never materialises a transpose:
 *
 * <pre>
 *   C = A·B    dA = g·Bᵀ   (NT)     dB = Aᵀ·g   (TN)
 *   C = A·Bᵀ   dA = g·B    (NN)     dB = gᵀ·A   (TN)
 *   C = Aᵀ·B   dA = B·gᵀ   (NT)     dB = A·g    (NN)
 *   C = Aᵀ·Bᵀ  dA = Bᵀ·gᵀ  (TT)     dB = gᵀ·Aᵀ  (TT)
 * </pre>
 *
 * Operands are matrices, or batches of matrices (rank 3); a matrix paired with a batch is shared by
 * every batch entry, and its gradient is summed over the batch.
 *
 * <p>Its row of the {@link OpTable} is the plain product; the expression language writes it as the
 * operator {@code @}, so the row has no function name. The transposed variants are built only by
 * backward passes, and the second-order gradient test reaches them through that row.
 */
public final class MatMul extends Op {
  private static final Kernels K = Kernels.get();
  private static final MatMul NN = new MatMul(false, false);
  private static final MatMul NT = new MatMul(false, true);
  private static final MatMul TN = new MatMul(true, false);
  private static final MatMul TT = new MatMul(true, true);

  private final boolean transA;
  private final boolean transB;

  private MatMul(boolean transA, boolean transB) {
    this.transA = transA;
    this.transB = transB;
  }

  /** The op for op(A)·op(B). */
  public static MatMul of(boolean transA, boolean transB) {
    return transA ? (transB ? TT : TN) : (transB ? NT : NN);
  }

  /** The op for a·b with NumPy's matmul semantics for ranks 1 to 3; see {@link Tensor#matmul}. */
  public static Op of(Tensor a, Tensor b) {
    if (a.rank() == 0 || b.rank() == 0 || a.rank() > 3 || b.rank() > 3) {
      throw new IllegalArgumentException("matmul: shapes " + Shape.format(a.shapeRef()) + " and "
          + Shape.format(b.shapeRef()) + " (" + a.label() + " · " + b.label()
          + "): matmul needs operands of rank 1 to 3; use mul for scalars");
    }
    return NN;
  }

  static final List<Entry> ROWS = new ArrayList<>();

  static {
    int[] v3 = {3};
    int[] v4 = {4};
    OpTable.shaped(ROWS, "matmul", 2, null, List.of(), (in, r, i) -> of(in[0], in[1]),
        Example.on(new int[0], v4, v4), Example.on(new int[0], new int[] {3, 4}, v4),
        Example.on(new int[0], v3, new int[] {3, 5}), Example.on(new int[0], new int[] {3, 4}, new int[] {4, 2}),
        Example.on(new int[0], new int[] {2, 3, 4}, new int[] {2, 4, 5}),
        Example.on(new int[0], new int[] {2, 3, 4}, new int[] {4, 5}),
        Example.on(new int[0], new int[] {3, 4}, new int[] {2, 4, 5}),
        Example.on(new int[0], new int[] {2, 3, 4}, v4), Example.on(new int[0], v3, new int[] {2, 3, 5}));
  }

  /** A vector on the left acts as a 1×k row, on the right as a k×1 column (NumPy's rule). */
  private static int[] asMatrix(int[] s, boolean left) {
    return s.length != 1 ? s : left ? new int[] {1, s[0]} : new int[] {s[0], 1};
  }

  @Override
  public String name() {
    return "matmul";
  }

  @Override
  public String label() {
    return "matmul" + (transA || transB ? (transA ? "T" : "N") + (transB ? "T" : "N") : "");
  }

  @Override
  public Tensor forward(Tensor... in) {
    Tensor a = in[0];
    Tensor b = in[1];
    int[] sa = asMatrix(a.shapeRef(), true);
    int[] sb = asMatrix(b.shapeRef(), false);
    int ra = sa.length;
    int rb = sb.length;
    int m = transA ? sa[ra - 1] : sa[ra - 2];
    int k = transA ? sa[ra - 2] : sa[ra - 1];
    int kb = transB ? sb[rb - 1] : sb[rb - 2];
    int n = transB ? sb[rb - 2] : sb[rb - 1];
    int batch = ra == 3 ? sa[0] : rb == 3 ? sb[0] : 1;
    if (k != kb || (ra == 3 && rb == 3 && sa[0] != sb[0])) {
      throw new IllegalArgumentException("matmul: shapes " + Shape.format(a.shapeRef()) + " and "
          + Shape.format(b.shapeRef()) + " do not align (" + a.label() + " · " + b.label() + ")"
          + (k != kb ? ": " + k + " columns against " + kb + " rows" : ": batch sizes differ"));
    }
    double[] c = new double[batch * m * n];
    int strideA = ra == 3 ? m * k : 0;
    int strideB = rb == 3 ? k * n : 0;
    for (int i = 0; i < batch; i++) {
      K.gemm(transA, transB, m, n, k, a.data(), i * strideA, b.data(), i * strideB, c, i * m * n);
    }
    int[] shape = ra == 3 || rb == 3 ? new int[] {batch, m, n} : new int[] {m, n};
    if (a.rank() == 1) {
      shape = Shape.reduce(shape, shape.length - 2, false);
    }
    if (b.rank() == 1) {
      shape = Shape.reduce(shape, shape.length - 1, false);
    }
    return Tensor.wrap(c, shape);
  }

  @Override
  public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
    // Vectors were treated as 1×k or k×1 matrices: view them (and g) that way, differentiate, and
    // sum each result back to its input's own shape (which also drops the added axes).
    Tensor a = in[0].rank() == 1 ? in[0].reshape(asMatrix(in[0].shapeRef(), true)) : in[0];
    Tensor b = in[1].rank() == 1 ? in[1].reshape(asMatrix(in[1].shapeRef(), false)) : in[1];
    int[] gShape = matrixShape(in[0], in[1], y);
    // Reshape only when a vector operand added an axis: an identity reshape would put one more
    // node (and an Op) per product into every backward pass for nothing.
    g = gShape == y.shapeRef() ? g : g.reshape(gShape);
    Tensor da = null;
    Tensor db = null;
    if (in[0].needsGrad()) {
      da = !transA ? (!transB ? mm(NT, g, b) : mm(NN, g, b)) : (!transB ? mm(NT, b, g) : mm(TT, b, g));
      da = toShape(da, in[0]);
    }
    if (in[1].needsGrad()) {
      db = !transA ? (!transB ? mm(TN, a, g) : mm(TN, g, a)) : (!transB ? mm(NN, a, g) : mm(TT, g, a));
      db = toShape(db, in[1]);
    }
    return new Tensor[] {da, db};
  }

  /** The output's shape before the axes added for vector operands were dropped. */
  private static int[] matrixShape(Tensor a, Tensor b, Tensor y) {
    int[] s = y.shapeRef();
    if (a.rank() != 1 && b.rank() != 1) {
      return s;
    }
    int[] full = new int[s.length + (a.rank() == 1 ? 1 : 0) + (b.rank() == 1 ? 1 : 0)];
    int batchAxes = full.length - 2;
    System.arraycopy(s, 0, full, 0, batchAxes);
    full[batchAxes] = a.rank() == 1 ? 1 : s[batchAxes];
    full[batchAxes + 1] = b.rank() == 1 ? 1 : s[s.length - 1];
    return full;
  }

  /** Sums a batched gradient over the batch when the input was shared, and restores vector shapes. */
  private static Tensor toShape(Tensor grad, Tensor input) {
    if (grad.rank() == 3 && input.rank() < 3) {
      grad = grad.sum(0);
    }
    return Arrays.equals(grad.shapeRef(), input.shapeRef()) ? grad : grad.reshape(input.shapeRef());
  }

  private static Tensor mm(MatMul op, Tensor x, Tensor z) {
    return Tensor.apply(op, x, z);
  }
}
