package io.github.chainrule.autodiff;

/**
 * A checker that sees every op run while it is installed: {@code inspect.AnomalyMode} is one. The
 * core calls it without knowing what it checks, so the core package depends on no checker; when
 * none is installed, the cost to every op is one read of a volatile field.
 */
public abstract class OpHook {
  private static volatile OpHook installed;

  /** Installs {@code hook} for every thread, replacing any other; {@code null} removes it. */
  public static void install(OpHook hook) {
    installed = hook;
  }

  /** The hook in place, or null. */
  static OpHook installed() {
    return installed;
  }

  /** Called after {@code op} computed {@code output} from {@code inputs} in a forward pass. */
  public abstract void afterForward(Op op, Tensor[] inputs, Tensor output);

  /**
   * Called by the backward engine instead of {@code node.op().backward(inputs, node, gradOutput)}:
   * it must run that rule and return its result, and may check it first.
   */
  public abstract Tensor[] backward(Tensor node, Tensor[] inputs, Tensor gradOutput);
}
