package io.github.chainrule.app.cli;

import java.util.List;

/** The optimisers {@code fit --optimizer} offers, by the names users type, with the options each takes. */
enum OptimizerChoice {
  SGD("sgd", "--momentum", "--dampening", "--weight-decay"),
  MOMENTUM("momentum", "--momentum", "--dampening", "--weight-decay"),
  NESTEROV("nesterov", "--momentum", "--weight-decay"),
  RMSPROP("rmsprop", "--alpha", "--eps", "--momentum", "--weight-decay"),
  ADAM("adam", "--beta1", "--beta2", "--eps", "--weight-decay"),
  ADAMW("adamw", "--beta1", "--beta2", "--eps", "--weight-decay");

  final String cli;
  final List<String> options;

  OptimizerChoice(String cli, String... options) {
    this.cli = cli;
    this.options = List.of(options);
  }

  @Override
  public String toString() {
    return cli;
  }

  /** {@code --optimizer}'s converter and completion candidates. */
  static final class Cli extends Choices<OptimizerChoice> {
    Cli() {
      super("optimizer", "optimizers", values(), c -> c.cli);
    }
  }
}
