package io.github.chainrule.nn.loss;

import io.github.chainrule.autodiff.Tensor;

/** A scalar loss of a prediction against a target; differentiable in the prediction. */
public interface Loss {
  /** The loss as a rank-0 tensor on the graph of {@code prediction}. */
  Tensor compute(Tensor prediction, Tensor target);

  /** For messages and reports: {@code "mse"}, {@code "crossEntropy(sum)"}. */
  String name();
}
