package io.github.chainrule.nn.module;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A piece of a model: parameters and child modules under stable names, and a {@link #forward}
 * that composes them with any tensor expression.
 *
 * <pre>{@code
 * class Net extends Module {
 *   final Linear hidden = module("hidden", new Linear(2, 2));
 *   final Linear out = module("out", new Linear(2, 1));
 *
 *   public Tensor forward(Tensor x) {
 *     return out.forward(hidden.forward(x).tanh());
 *   }
 * }
 * // parameters(): hidden.weight, hidden.bias, out.weight, out.bias
 * }</pre>
 *
 * <h2>Names</h2>
 * A parameter's full name is the path of child names from the root, joined with dots, then its
 * own name, as in PyTorch's {@code named_parameters()}. Registering a module under a parent renames
 * its parameter tensors (what graphs and error messages show) to the full path. {@link
 * #parameters()} lists a module's own parameters first, then each child's in registration order.
 *
 * <h2>Mode</h2>
 * Modules start in training mode; {@link #eval()} and {@link #train()} set the mode of the whole
 * tree. Layers whose behaviour differs between the two read {@link #isTraining()}.
 */
public abstract class Module {
  private final Map<String, Tensor> ownParameters = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private String prefix = "";
  private boolean training = true;

  /** Computes the output for a batch (or a single example) {@code x}. */
  public abstract Tensor forward(Tensor x);

  // ---------------------------------------------------------------- registration

  /**
   * Registers {@code value} as a parameter called {@code name}, marks it as requiring a gradient
   * and names it with its full path. Returns it.
   */
  protected final Tensor parameter(String name, Tensor value) {
    checkName(name);
    checkArgument(value.isLeaf(), "parameter %s of %s: the value must be a leaf tensor, not the result of %s",
        name, describe(), value.label());
    value.requiresGrad();
    ownParameters.put(name, value);
    value.named(prefix + name);
    return value;
  }

  /** Registers {@code child} under {@code name}, renaming its parameters to full paths. Returns it. */
  protected final <M extends Module> M module(String name, M child) {
    checkName(name);
    checkArgument(child != this, "module %s of %s: a module cannot contain itself", name, describe());
    children.put(name, child);
    ((Module) child).rename(prefix + name + ".");
    return child;
  }

  private void checkName(String name) {
    checkArgument(name != null && !name.isEmpty() && !name.contains("."),
        "%s: a parameter or child name must be non-empty and contain no '.', got '%s'", describe(), name);
    checkArgument(!ownParameters.containsKey(name) && !children.containsKey(name),
        "%s: the name '%s' is already registered", describe(), name);
  }

  private void rename(String newPrefix) {
    prefix = newPrefix;
    ownParameters.forEach((n, t) -> t.named(newPrefix + n));
    children.forEach((n, c) -> c.rename(newPrefix + n + "."));
  }

  // ---------------------------------------------------------------- queries

  /** All parameters of this module and its descendants, own first, then children's in order. */
  public final List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    collect("", out);
    return Collections.unmodifiableList(out);
  }

  private void collect(String path, List<Parameter> out) {
    ownParameters.forEach((n, t) -> out.add(new Parameter(path + n, t)));
    children.forEach((n, c) -> c.collect(path + n + ".", out));
  }

  /** The parameter with the given full name (relative to this module). */
  public final Parameter parameter(String fullName) {
    for (Parameter p : parameters()) {
      if (p.name().equals(fullName)) {
        return p;
      }
    }
    throw new IllegalArgumentException(describe() + " has no parameter '" + fullName + "'; it has "
        + parameterNames());
  }

  /** Full names of all parameters, in {@link #parameters()} order. */
  public final List<String> parameterNames() {
    List<String> names = new ArrayList<>();
    for (Parameter p : parameters()) {
      names.add(p.name());
    }
    return names;
  }

  /** The direct children by name, in registration order. */
  public final Map<String, Module> children() {
    return Collections.unmodifiableMap(children);
  }

  /** Total number of parameter values. */
  public final int parameterCount() {
    int n = 0;
    for (Parameter p : parameters()) {
      n += p.size();
    }
    return n;
  }

  /** Copies of all parameter values by full name, in order: what weight files store. */
  public final Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Parameter p : parameters()) {
      out.put(p.name(), p.tensor().copy().named(p.name()));
    }
    return out;
  }

  // ---------------------------------------------------------------- setting values

  /**
   * Sets parameter {@code fullName} to {@code values} in row-major order (for example a textbook
   * network's published weights).
   *
   * @throws IllegalArgumentException if there is no such parameter or the count does not match
   */
  public final void set(String fullName, double... values) {
    Parameter p = parameter(fullName);
    checkArgument(values.length == p.size(), "set %s: %s values given but the parameter has shape %s (%s values)",
        fullName, values.length, Shape.format(p.tensor().shapeRef()), p.size());
    System.arraycopy(values, 0, p.data(), 0, values.length);
  }

  /** Sets a matrix parameter from rows. */
  public final void set(String fullName, double[][] rows) {
    set(fullName, Tensor.of(rows).data());
  }

  /**
   * Copies values into the parameters by name. Every parameter must be present with its exact
   * shape, and no unknown name may appear: a mismatch names all missing, unexpected and misshapen
   * entries at once and changes nothing.
   */
  public final void load(Map<String, Tensor> values) {
    List<Parameter> params = parameters();
    Set<String> missing = new TreeSet<>();
    Set<String> unexpected = new TreeSet<>(values.keySet());
    List<String> misshapen = new ArrayList<>();
    for (Parameter p : params) {
      Tensor v = values.get(p.name());
      unexpected.remove(p.name());
      if (v == null) {
        missing.add(p.name());
      } else if (!Arrays.equals(v.shapeRef(), p.tensor().shapeRef())) {
        misshapen.add(p.name() + ": expected " + Shape.format(p.tensor().shapeRef()) + ", got "
            + Shape.format(v.shapeRef()));
      }
    }
    if (!missing.isEmpty() || !unexpected.isEmpty() || !misshapen.isEmpty()) {
      StringBuilder sb = new StringBuilder("load into " + describe() + ": the values do not match the parameters;");
      if (!missing.isEmpty()) {
        sb.append(" missing ").append(missing).append(';');
      }
      if (!unexpected.isEmpty()) {
        sb.append(" unexpected ").append(unexpected).append(';');
      }
      if (!misshapen.isEmpty()) {
        sb.append(" wrong shape ").append(misshapen).append(';');
      }
      throw new IllegalArgumentException(sb.substring(0, sb.length() - 1));
    }
    for (Parameter p : params) {
      double[] src = values.get(p.name()).data();
      System.arraycopy(src, 0, p.data(), 0, src.length);
    }
  }

  /** Forgets the gradient of every parameter. */
  public final void zeroGrad() {
    for (Parameter p : parameters()) {
      p.tensor().zeroGrad();
    }
  }

  // ---------------------------------------------------------------- mode

  /** Sets this module and all descendants to training mode. Returns {@code this}. */
  public final Module train() {
    setTraining(true);
    return this;
  }

  /** Sets this module and all descendants to evaluation mode. Returns {@code this}. */
  public final Module eval() {
    setTraining(false);
    return this;
  }

  private void setTraining(boolean on) {
    training = on;
    children.values().forEach(c -> c.setTraining(on));
  }

  public final boolean isTraining() {
    return training;
  }

  // ---------------------------------------------------------------- printing

  /** The path of this module in its tree ({@code "hidden"}), or its class name at the root. */
  public final String path() {
    return prefix.isEmpty() ? getClass().getSimpleName() : prefix.substring(0, prefix.length() - 1);
  }

  /** {@code "Linear hidden"}: the kind and path, for error messages. */
  protected final String describe() {
    return prefix.isEmpty() ? getClass().getSimpleName()
        : getClass().getSimpleName() + " " + prefix.substring(0, prefix.length() - 1);
  }

  /** One line about this module's own configuration, such as {@code "in=2, out=1"}. */
  protected String extraRepr() {
    return "";
  }

  /** A tree like PyTorch's module printout. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
    if (!children.isEmpty()) {
      sb.append('\n');
      children.forEach((n, c) -> sb.append("  (").append(n).append("): ")
          .append(c.toString().replace("\n", "\n  ")).append('\n'));
    }
    return sb.append(')').toString();
  }
}
