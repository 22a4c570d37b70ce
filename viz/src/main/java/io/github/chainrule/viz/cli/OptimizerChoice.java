package io.github.chainrule.viz.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

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

  static List<String> names() {
    return Arrays.stream(values()).map(c -> c.cli).toList();
  }

  @Override
  public String toString() {
    return cli;
  }

  static final class Converter implements ITypeConverter<OptimizerChoice> {
    @Override
    public OptimizerChoice convert(String value) {
      for (OptimizerChoice c : values()) {
        if (c.cli.equals(value)) {
          return c;
        }
      }
      throw new TypeConversionException("unknown optimizer '" + value + "': the optimizers are " + Names.list(names())
          + Names.didYouMean(value, names()));
    }
  }

  static final class Candidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return names().iterator();
    }
  }
}
