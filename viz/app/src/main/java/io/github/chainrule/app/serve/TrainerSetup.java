package io.github.chainrule.app.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.nn.layers.Activation;
import io.github.chainrule.nn.loss.Loss;
import io.github.chainrule.nn.loss.Losses;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.optim.Adagrad;
import io.github.chainrule.nn.optim.Adam;
import io.github.chainrule.nn.optim.Optimizer;
import io.github.chainrule.nn.optim.RmsProp;
import io.github.chainrule.nn.optim.Sgd;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything that defines a training run, and nothing else: the page keeps exactly these fields in
 * its URL, so the same address always trains the same network the same way.
 *
 * @param hidden hidden layer widths (the input and output widths come from the data)
 * @param activation hidden activation: relu, tanh, sigmoid, leakyrelu, identity
 * @param output output activation: identity or sigmoid
 * @param data a name of {@link DataSets#NAMES}
 * @param loss mse, half-sse, mae or bce-logits
 * @param optimizer sgd, adam, rmsprop or adagrad
 * @param lr the learning rate at the start (it can change while running)
 * @param momentum SGD's momentum
 * @param init seed, zeros, twins (every hidden unit a copy of the first), heaton, heaton-twins or ones
 * @param seed the initialisation's seed
 */
record TrainerSetup(List<Integer> hidden, String activation, String output, String data, String loss, String optimizer,
    double lr, double momentum, String init, long seed) {
  static final Set<String> FIELDS = Set.of("demo", "hidden", "activation", "output", "data", "loss", "optimizer",
      "lr", "momentum", "init", "seed", "csv", "steps");
  static final List<String> LOSSES = List.of("mse", "half-sse", "mae", "bce-logits");
  static final List<String> OPTIMIZERS = List.of("sgd", "adam", "rmsprop", "adagrad");
  static final List<String> INITS = List.of("seed", "zeros", "twins", "heaton", "heaton-twins", "ones");
  static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid", "leakyrelu", "identity");

  /**
   * The gallery's demos as trainer setups. relu-sum is the demo's 1-1024-1 ReLU sum with every layer
   * trained; the trainer runs full batch with Adam where the demo takes one point per SGD step.
   */
  static final Map<String, TrainerSetup> PRESETS = presets();

  private static Map<String, TrainerSetup> presets() {
    Map<String, TrainerSetup> p = new LinkedHashMap<>();
    p.put("relu-parabola", new TrainerSetup(List.of(5), "relu", "identity", "parabola", "mse", "adam", 0.05, 0, "seed", 0));
    p.put("relu-sum", new TrainerSetup(List.of(1024), "relu", "identity", "wiggle", "mse", "adam", 0.01, 0, "seed", 2024));
    p.put("node-gradients", new TrainerSetup(List.of(2), "sigmoid", "sigmoid", "heaton-row", "half-sse", "sgd", 0.7, 0.3,
        "heaton", 0));
    p.put("symmetry", new TrainerSetup(List.of(2), "sigmoid", "sigmoid", "xor", "half-sse", "sgd", 0.7, 0.3,
        "heaton-twins", 0));
    p.put("linear-stack", new TrainerSetup(List.of(1), "identity", "identity", "line", "mse", "sgd", 1e-4, 0, "ones", 0));
    return p;
  }

  static TrainerSetup defaults() {
    return new TrainerSetup(List.of(4), "tanh", "identity", "xor", "mse", "adam", 0.05, 0, "seed", 1);
  }

  /** The setup a request asks for: a preset (field "demo") or the defaults, with any field given replacing its value. */
  static TrainerSetup from(ObjectNode req, Limits limits) {
    String r = "sessions";
    TrainerSetup base = defaults();
    if (req.hasNonNull("demo")) {
      String demo = Requests.string(req, r, "demo", 100);
      base = PRESETS.get(demo);
      if (base == null) {
        throw ApiError.badRequest(r + ": no demo '" + demo + "' (the demos are " + String.join(", ", PRESETS.keySet()) + ")");
      }
    }
    List<Integer> hidden = Requests.ints(req, r, "hidden", base.hidden(), limits.hiddenLayers(), 1, limits.width());
    if (hidden.isEmpty()) {
      throw ApiError.badRequest(r + ": 'hidden' needs at least one layer, e.g. [4]");
    }
    double lr = Requests.optionalNumber(req, r, "lr", base.lr());
    checkLr(lr, r);
    double momentum = Requests.optionalNumber(req, r, "momentum", base.momentum());
    if (momentum < 0 || momentum >= 1) {
      throw ApiError.badRequest(r + ": momentum " + momentum + " must be in [0, 1)");
    }
    return new TrainerSetup(hidden,
        choice(req, "activation", base.activation(), ACTIVATIONS),
        choice(req, "output", base.output(), List.of("identity", "sigmoid")),
        choice(req, "data", base.data(), DataSets.NAMES),
        choice(req, "loss", base.loss(), LOSSES),
        choice(req, "optimizer", base.optimizer(), OPTIMIZERS),
        lr, momentum,
        choice(req, "init", base.init(), INITS),
        Requests.optionalInt(req, r, "seed", (int) base.seed(), 0, Integer.MAX_VALUE));
  }

  static void checkLr(double lr, String route) {
    if (!(lr > 0 && lr <= 10)) {
      throw ApiError.badRequest(route + ": learning rate " + lr + " must be in (0, 10]");
    }
  }

  private static String choice(ObjectNode req, String field, String otherwise, List<String> allowed) {
    String v = Requests.optionalString(req, "sessions", field, otherwise, 100);
    if (!allowed.contains(v)) {
      throw ApiError.badRequest("sessions: " + field + " '" + v + "' is not one of " + String.join(", ", allowed));
    }
    return v;
  }

  Activation hiddenActivation() {
    return Activation.named(activation);
  }

  Loss lossFunction() {
    return switch (loss) {
      case "half-sse" -> Losses.halfSse();
      case "mae" -> Losses.mae();
      case "bce-logits" -> Losses.bceWithLogits();
      default -> Losses.mse();
    };
  }

  Optimizer optimizerFor(Module model) {
    return switch (optimizer) {
      case "adam" -> Adam.of(model, lr);
      case "rmsprop" -> RmsProp.of(model, lr);
      case "adagrad" -> Adagrad.of(model, lr);
      default -> Sgd.builder(lr).momentum(momentum).build(model);
    };
  }

  /** As JSON, for the page (the demos' setups fill its controls). */
  ObjectNode json() {
    return Requests.JSON.valueToTree(this);
  }
}
