package io.github.chainrule.app.cli;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.loss.Loss;
import io.github.chainrule.nn.loss.Losses;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The losses {@code fit --loss} offers, by the names users type. */
enum LossChoice {
  MSE("mse", Losses::mse),
  SSE("sse", Losses::sse),
  HALF_SSE("half-sse", Losses::halfSse),
  MAE("mae", Losses::mae),
  BCE("bce", Losses::bce),
  BCE_WITH_LOGITS("bce-with-logits", Losses::bceWithLogits);

  final String cli;
  private final Supplier<Loss> loss;

  LossChoice(String cli, Supplier<Loss> loss) {
    this.cli = cli;
    this.loss = loss;
  }

  /** The loss; its errors name the other losses as this option does ("use --loss bce-with-logits"). */
  Loss loss() {
    Loss library = loss.get();
    return new Loss() {
      @Override
      public Tensor compute(Tensor prediction, Tensor target) {
        try {
          return library.compute(prediction, target);
        } catch (IllegalArgumentException e) {
          String message = e.getMessage();
          for (LossChoice c : values()) {
            message = message.replaceAll("\\buse " + Pattern.quote(c.loss.get().name()) + "\\b",
                Matcher.quoteReplacement("use --loss " + c.cli));
          }
          throw new IllegalArgumentException(message, e);
        }
      }

      @Override
      public String name() {
        return library.name();
      }
    };
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
