package io.github.chainrule.nn.optim;

import static com.google.common.base.Preconditions.checkNotNull;

import io.github.chainrule.autodiff.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an optimiser needs to continue exactly where it stopped, on the model of
 * {@code torch.optim.Optimizer.state_dict()}, but keyed by parameter name rather than by position:
 * which optimiser, its fixed settings, its step count, each group's parameters, learning rate and
 * weight decay, and each parameter's state (its own step count and buffers, named as torch names
 * them: {@code momentum_buffer}, {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq},
 * {@code square_avg}, {@code grad_avg}, {@code sum}). A parameter that has never received a
 * gradient has no state yet, as in torch.
 *
 * <p>Immutable: {@link Optimizer#stateDict()} copies the buffers out, {@link
 * Optimizer#loadStateDict} copies them in.
 *
 * @param type the optimiser: {@code SGD}, {@code Adam}, {@code AdamW}, {@code RMSprop}, {@code Adagrad}
 * @param settings the settings every group shares ({@code momentum}, {@code beta1}, {@code eps}, ...)
 * @param steps how many times {@link Optimizer#step()} ran
 * @param groups the parameter groups, in order
 * @param parameters each parameter's state, by name
 */
public record OptimizerState(String type, Map<String, Double> settings, long steps, List<Group> groups,
    Map<String, Entry> parameters) {

  public OptimizerState {
    checkNotNull(type, "OptimizerState: type is null");
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    groups = List.copyOf(groups);
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** One group: its parameters' names, in order, and its learning rate and weight decay. */
  public record Group(List<String> parameters, double lr, double weightDecay) {
    public Group {
      parameters = List.copyOf(parameters);
    }
  }

  /** One parameter's state: how many updates it received, and its buffers by name, each of the parameter's shape. */
  public record Entry(long step, Map<String, Tensor> buffers) {
    public Entry {
      buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
    }
  }
}
