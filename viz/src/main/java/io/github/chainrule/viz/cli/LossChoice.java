package io.github.chainrule.viz.cli;

import io.github.chainrule.nn.loss.Loss;
import io.github.chainrule.nn.loss.Losses;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The losses {@code fit --loss} offers, by the names users type. */
enum LossChoice {
  MSE("mse", "mean squared error", Losses::mse),
  SSE("sse", "sum of squared errors", Losses::sse),
  HALF_SSE("half-sse", "half the sum of squared errors", Losses::halfSse),
  MAE("mae", "mean absolute error", Losses::mae),
  BCE("bce", "binary cross-entropy of probabilities in (0, 1)", Losses::bce);

  final String cli;
  final String description;
  private final Supplier<Loss> loss;

  LossChoice(String cli, String description, Supplier<Loss> loss) {
    this.cli = cli;
    this.description = description;
    this.loss = loss;
  }

  Loss loss() {
    return loss.get();
  }

  static List<String> names() {
    return Arrays.stream(values()).map(c -> c.cli).toList();
  }

  @Override
  public String toString() {
    return cli;
  }

  static final class Converter implements ITypeConverter<LossChoice> {
    @Override
    public LossChoice convert(String value) {
      for (LossChoice c : values()) {
        if (c.cli.equals(value)) {
          return c;
        }
      }
      throw new TypeConversionException("unknown loss '" + value + "': the losses are " + Names.list(names())
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
