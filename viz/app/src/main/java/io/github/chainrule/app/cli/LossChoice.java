package io.github.chainrule.app.cli;

import io.github.chainrule.nn.loss.Loss;
import io.github.chainrule.nn.loss.Losses;
import java.util.function.Supplier;

/** The losses {@code fit --loss} offers, by the names users type. */
enum LossChoice {
  MSE("mse", Losses::mse),
  SSE("sse", Losses::sse),
  HALF_SSE("half-sse", Losses::halfSse),
  MAE("mae", Losses::mae),
  BCE("bce", Losses::bce);

  final String cli;
  private final Supplier<Loss> loss;

  LossChoice(String cli, Supplier<Loss> loss) {
    this.cli = cli;
    this.loss = loss;
  }

  Loss loss() {
    return loss.get();
  }

  @Override
  public String toString() {
    return cli;
  }

  /** {@code --loss}'s converter and completion candidates. */
  static final class Cli extends Choices<LossChoice> {
    Cli() {
      super("loss", "losses", values(), c -> c.cli);
    }
  }
}
