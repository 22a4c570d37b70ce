package io.github.chainrule.nn.optim;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.module.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Updates parameters in place from their gradients, following the single-tensor code path of
 * {@code torch.optim} (PyTorch 1.13) operation for operation, so the same inputs give the same
 * trajectory to rounding.
 *
 * <p>{@link #step()} writes into each parameter's {@link Tensor#data()}, working on the arrays
 * directly, so it records no graph; after a parameter's first update it allocates nothing. Parameters without a gradient (not
 * reached by the last backward pass) are skipped and their state is left as it is, as in PyTorch.
 *
 * <h2>Groups and state</h2>
 * Parameters come in {@link ParamGroup}s, each with its own learning rate and weight decay. Each
 * parameter has its own state, keyed by its name and created on its first update: a step count and
 * the optimiser's buffers. {@link #stateDict()} and {@link #loadStateDict} save and restore all of
 * it, so a run can be stopped and continued bit for bit ({@code io.github.chainrule.nn.io.Checkpoint}
 * writes both with the weights to one file).
 */
public abstract class Optimizer {
  private final String type;
  private final List<String> bufferNames;
  private final List<Parameter> params;
  /** For each parameter, by position in {@link #params}: its group. */
  private final int[] groupOf;
  private final List<List<Parameter>> groupParams = new ArrayList<>();
  private final double[] groupLr;
  private final double[] groupWeightDecay;
  /** Each parameter's state, by position in {@link #params}; null until its first update. Saved and loaded by name. */
  private final State[] states;
  private long steps;

  /**
   * @param type the name torch gives the optimiser, for messages and saved state
   * @param bufferNames the names of the per-parameter buffers, in the order of {@link State#buffer}
   */
  protected Optimizer(String type, List<String> bufferNames, List<ParamGroup> groups, double lr, double weightDecay) {
    this.type = type;
    this.bufferNames = List.copyOf(bufferNames);
    checkArgument(lr >= 0 && Double.isFinite(lr), "%s: learning rate must be finite and >= 0, got %s", type, lr);
    checkRange(type, "weightDecay", weightDecay, 0, true, Double.MAX_VALUE, true);
    List<Parameter> all = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    groupLr = new double[groups.size()];
    groupWeightDecay = new double[groups.size()];
    for (int g = 0; g < groups.size(); g++) {
      ParamGroup group = groups.get(g);
      groupLr[g] = Double.isNaN(group.ownLr()) ? lr : group.ownLr();
      groupWeightDecay[g] = Double.isNaN(group.ownWeightDecay()) ? weightDecay : group.ownWeightDecay();
      groupParams.add(group.parameters());
      for (Parameter p : group.parameters()) {
        checkArgument(seen.add(p.name()), "%s: two parameters are named %s (or one is given twice); state is saved"
            + " and loaded by name, so each parameter must appear once and have its own name: give the optimizer the"
            + " parameters of one module holding all the others", type, p.name());
        all.add(p);
        owner.add(g);
      }
    }
    checkArgument(!all.isEmpty(), "%s: no parameters to optimise", type);
    this.params = List.copyOf(all);
    this.groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
    this.states = new State[all.size()];
  }

  /**
   * One parameter's state: how many updates it received, and its buffers, created by the optimiser
   * on first use (a buffer the settings do not need, such as SGD's without momentum, stays null).
   */
  protected static final class State {
    long step;
    final double[][] buffers;

    State(int count) {
      buffers = new double[count][];
    }

    /** Updates received, this one included. */
    protected long step() {
      return step;
    }

    /** True once buffer {@code i} exists. */
    protected boolean has(int i) {
      return buffers[i] != null;
    }

    /** Buffer {@code i}, created filled with {@code initial} on first use. */
    protected double[] buffer(int i, int length, double initial) {
      double[] b = buffers[i];
      if (b == null) {
        b = buffers[i] = new double[length];
        if (initial != 0) {
          Arrays.fill(b, initial);
        }
      }
      return b;
    }
  }

  /**
   * One update of every parameter that has a gradient.
   *
   * @throws IllegalStateException if no parameter has one: backward() was not called since the
   *     gradients were last cleared, and the step would silently change nothing
   */
  public final void step() {
    if (!anyGradient()) {
      throw new IllegalStateException(type + ".step: none of the " + params.size()
          + " parameters has a gradient (" + names() + "); call backward() on the loss before step()");
    }
    steps++;
    // No no-grad scope is needed (its object would be the step's only allocation): updates work on
    // the parameters' arrays, never through Tensor ops, so they record nothing in any grad mode.
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      if (p.hasGrad()) {
        State s = states[i];
        if (s == null) {
          s = states[i] = new State(bufferNames.size());
        }
        s.step++;
        int g = groupOf[i];
        update(s, p.data(), p.grad().data(), groupLr[g], groupWeightDecay[g]);
      }
    }
  }

  private boolean anyGradient() {
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).hasGrad()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Updates one parameter in place.
   *
   * @param state its state, with {@link State#step()} already counting this update
   * @param param its live values
   * @param grad its gradient (read only)
   * @param lr its group's learning rate
   * @param weightDecay its group's weight decay
   */
  protected abstract void update(State state, double[] param, double[] grad, double lr, double weightDecay);

  /** The settings every group shares, by name, for saved state and its check on loading. */
  protected abstract Map<String, Double> settings();

  /** Forgets every parameter's gradient. */
  public final void zeroGrad() {
    for (Parameter p : params) {
      p.tensor().zeroGrad();
    }
  }

  /** The learning rate of the first group (of every group, unless groups set their own). */
  public final double lr() {
    return groupLr[0];
  }

  /** Sets every group's learning rate. */
  public final void setLr(double lr) {
    for (int g = 0; g < groupLr.length; g++) {
      setLr(g, lr);
    }
  }

  public final double lr(int group) {
    return groupLr[group];
  }

  /** Sets one group's learning rate (schedules call this). */
  public final void setLr(int group, double lr) {
    checkArgument(lr >= 0 && Double.isFinite(lr), "%s: learning rate must be finite and >= 0, got %s", type, lr);
    groupLr[group] = lr;
  }

  public final double weightDecay(int group) {
    return groupWeightDecay[group];
  }

  public final int groupCount() {
    return groupLr.length;
  }

  public final List<Parameter> groupParameters(int group) {
    return groupParams.get(group);
  }

  /** Number of {@link #step()} calls so far. */
  public final long steps() {
    return steps;
  }

  /** Every parameter, group by group. */
  public final List<Parameter> parameters() {
    return params;
  }

  /** The name torch gives this optimiser: SGD, Adam, AdamW, RMSprop, Adagrad. */
  public final String type() {
    return type;
  }

  // ---------------------------------------------------------------- saving and restoring

  /** A copy of everything needed to continue: see {@link OptimizerState}. */
  public final OptimizerState stateDict() {
    List<OptimizerState.Group> groups = new ArrayList<>();
    for (int g = 0; g < groupLr.length; g++) {
      groups.add(new OptimizerState.Group(groupParams.get(g).stream().map(Parameter::name).toList(), groupLr[g],
          groupWeightDecay[g]));
    }
    Map<String, OptimizerState.Entry> entries = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      State s = states[i];
      if (s != null) {
        Map<String, Tensor> buffers = new LinkedHashMap<>();
        for (int b = 0; b < bufferNames.size(); b++) {
          if (s.buffers[b] != null) {
            buffers.put(bufferNames.get(b), Tensor.of(s.buffers[b].clone(), params.get(i).shape()));
          }
        }
        entries.put(params.get(i).name(), new OptimizerState.Entry(s.step, buffers));
      }
    }
    return new OptimizerState(type, settings(), steps, groups, entries);
  }

  /**
   * Restores what {@link #stateDict()} saved, as {@code load_state_dict} does: the step count, each
   * group's learning rate (a schedule may have moved it) and each parameter's state. The state must
   * come from the same kind of optimiser with the same settings, over the same parameters in the same
   * groups, with buffers of the parameters' shapes; nothing is changed unless all of it matches.
   *
   * @throws IllegalArgumentException naming the first setting, group or parameter that does not match
   */
  public final void loadStateDict(OptimizerState state) {
    String where = type + ".loadStateDict: ";
    checkArgument(state.type().equals(type), "%sthe state is of %s, this optimizer is %s", where, state.type(), type);
    Map<String, Double> mine = settings();
    for (Map.Entry<String, Double> s : mine.entrySet()) {
      Double saved = state.settings().get(s.getKey());
      checkArgument(Objects.equals(saved, s.getValue()), "%sthe state has %s = %s, this optimizer %s", where,
          s.getKey(), saved == null ? "nothing" : saved, s.getValue());
    }
    checkArgument(state.groups().size() == groupLr.length, "%sthe state has %s parameter groups, this optimizer %s",
        where, state.groups().size(), groupLr.length);
    for (int g = 0; g < groupLr.length; g++) {
      List<String> names = groupParams.get(g).stream().map(Parameter::name).toList();
      List<String> saved = state.groups().get(g).parameters();
      for (String n : saved) {
        checkArgument(names.contains(n), "%sparameter %s is in group %s of the state, but not of this optimizer"
            + " (whose group %s holds %s)", where, n, g, g, names);
      }
      for (String n : names) {
        checkArgument(saved.contains(n), "%sparameter %s of this optimizer's group %s has no place in the state"
            + " (whose group %s holds %s)", where, n, g, g, saved);
      }
      double wd = state.groups().get(g).weightDecay();
      checkArgument(wd == groupWeightDecay[g], "%sgroup %s has weight decay %s in the state, %s in this optimizer",
          where, g, wd, groupWeightDecay[g]);
    }
    State[] loaded = new State[params.size()];
    for (Map.Entry<String, OptimizerState.Entry> e : state.parameters().entrySet()) {
      int i = indexOf(e.getKey());
      checkArgument(i >= 0, "%sthe state has an entry for parameter %s, which this optimizer does not have", where,
          e.getKey());
      Parameter p = params.get(i);
      State s = new State(bufferNames.size());
      s.step = e.getValue().step();
      for (Map.Entry<String, Tensor> b : e.getValue().buffers().entrySet()) {
        int slot = bufferNames.indexOf(b.getKey());
        checkArgument(slot >= 0, "%sparameter %s has a buffer %s, which %s does not keep (it keeps %s)", where,
            p.name(), b.getKey(), type, bufferNames);
        checkArgument(Arrays.equals(b.getValue().shapeRef(), p.tensor().shapeRef()),
            "%sbuffer %s of parameter %s has shape %s, the parameter %s", where, b.getKey(), p.name(),
            Shape.format(b.getValue().shapeRef()), Shape.format(p.tensor().shapeRef()));
        s.buffers[slot] = b.getValue().toArray();
      }
      loaded[i] = s;
    }
    steps = state.steps();
    System.arraycopy(loaded, 0, states, 0, states.length);
    for (int g = 0; g < groupLr.length; g++) {
      setLr(g, state.groups().get(g).lr());
    }
  }

  private int indexOf(String name) {
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The parameters' names, the first ten, for messages. */
  private String names() {
    List<String> names = params.stream().limit(10).map(Parameter::name).toList();
    return String.join(", ", names) + (params.size() > 10 ? ", …" : "");
  }

  static void checkRange(String opt, String name, double v, double lo, boolean loInclusive, double hi, boolean hiInclusive) {
    boolean ok = (loInclusive ? v >= lo : v > lo) && (hiInclusive ? v <= hi : v < hi);
    checkArgument(ok, "%s: %s must be in %s%s, %s%s, got %s", opt, name, loInclusive ? "[" : "(", lo, hi,
        hiInclusive ? "]" : ")", v);
  }
}
