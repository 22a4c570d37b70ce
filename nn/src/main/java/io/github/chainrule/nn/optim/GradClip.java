package io.github.chainrule.nn.optim;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import java.util.List;

/**
 * Gradient clipping in place, as {@code torch.nn.utils.clip_grad_norm_} and {@code
 * clip_grad_value_} do. Parameters without a gradient are ignored.
 */
public final class GradClip {
  private GradClip() {}

  /**
   * Scales all gradients together by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the 2-norm of
   * all gradients concatenated, and returns ‖g‖ before clipping (for logging, pytorch#1032). A
   * non-finite norm is returned as it is and the gradients are scaled by NaN or 0 accordingly, as
   * PyTorch does without error_if_nonfinite; check the returned value.
   */
  public static double byNorm(List<Parameter> params, double maxNorm) {
    checkArgument(maxNorm >= 0, "clip byNorm: maxNorm must be >= 0, got %s", maxNorm);
    double sumSq = 0;
    for (Parameter p : params) {
      if (p.hasGrad()) {
        for (double g : p.grad().data()) {
          sumSq += g * g;
        }
      }
    }
    double total = Math.sqrt(sumSq);
    double coef = Math.min(maxNorm / (total + 1e-6), 1.0);
    if (Double.isNaN(total)) {
      coef = Double.NaN;
    }
    if (coef < 1.0 || Double.isNaN(coef)) {
      for (Parameter p : params) {
        if (p.hasGrad()) {
          double[] g = p.grad().data();
          for (int i = 0; i < g.length; i++) {
            g[i] = g[i] * coef;
          }
        }
      }
    }
    return total;
  }

  /** {@link #byNorm(List, double)} over all of a model's parameters. */
  public static double byNorm(Module model, double maxNorm) {
    return byNorm(model.parameters(), maxNorm);
  }

  /** Clamps every gradient element to [−clip, clip]. */
  public static void byValue(List<Parameter> params, double clip) {
    checkArgument(clip >= 0, "clip byValue: clip must be >= 0, got %s", clip);
    for (Parameter p : params) {
      if (p.hasGrad()) {
        double[] g = p.grad().data();
        for (int i = 0; i < g.length; i++) {
          g[i] = Math.min(Math.max(g[i], -clip), clip);
        }
      }
    }
  }
}
