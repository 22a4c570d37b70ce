package io.github.chainrule.app.cli;

import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.expr.Expression;
import io.github.chainrule.autodiff.expr.Spelling;
import io.github.chainrule.nn.data.Batches;
import io.github.chainrule.nn.data.Csv;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.loss.Loss;
import io.github.chainrule.nn.optim.Adam;
import io.github.chainrule.nn.optim.Optimizer;
import io.github.chainrule.nn.optim.RmsProp;
import io.github.chainrule.nn.optim.Sgd;
import io.github.chainrule.nn.train.History;
import io.github.chainrule.nn.train.Progress;
import io.github.chainrule.nn.train.Trainer;
import io.github.chainrule.nn.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.nn.data.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chainrule fit --model "<expr>" --data FILE.csv --target y}: fits an expression to data. */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    header = "Fits a model written as an expression to the rows of a CSV file.",
    description = {"%nThe model is evaluated on a whole batch at once. Variables that are columns of the file are "
        + "inputs, each a vector with one value per row; --inputs gathers several columns into a matrix with one row "
        + "per sample. Every other variable is a parameter, a number or a tensor, trained by gradient descent, and "
        + "must be declared with --params (so that a mistyped column name is an error, not a new parameter). The "
        + "shapes are checked on the first batch before training. Prints the final parameters and loss at 17 "
        + "significant digits, each tensor on one line as --params takes it; with --report DIR, also writes "
        + "DIR/params.json (tensors as nested lists), DIR/trajectory.csv (per step: loss, every parameter element and "
        + "its gradient, or a tensor's norms past 64 elements), plots and DIR/index.html. A fit whose loss or "
        + "gradients stop being finite stops with an error naming the step and the parameter, after writing the "
        + "trajectory so far.%n"},
    footer = {"", "Examples:",
        "  chainrule fit --model \"a*x + b\" --data points.csv --target y \\",
        "      --params a=1,b=0 --optimizer adam --lr 0.1 --epochs 200 --report out/fit --checkpoint out/ckpt",
        "  chainrule fit ... --epochs 400 --resume out/ckpt      (the same fit, on to epoch 400)",
        "  chainrule fit --model \"sigmoid(tanh(x @ W + b) @ v + c)\" --data xor.csv --target y \\",
        "      --inputs x=x1,x2 --params W:2x3,b:3,v:3,c=0 --seed 1 --optimizer adam --lr 0.1 --epochs 500"})
final class FitCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "EXPR", description = "The model, e.g. \"a*x + b\" or \"c*relu(a*x + b) + d\".")
  String model;

  @Option(names = "--data", required = true, paramLabel = "FILE.csv",
      description = "CSV with a header line of column names; the target and the columns the model uses hold numbers, "
          + "others (ids, labels) may hold anything.")
  Path data;

  @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "The column the model predicts.")
  String target;

  @Option(names = "--params", paramLabel = "NAME[=VALUE|:SHAPE]",
      description = "Every parameter of the model, with its initial value (a=1, or a tensor as nested lists, row by "
          + "row: W=[[0.1,0.2],[0.3,0.4]]) or alone (a), or with a shape (W:2x3, b:3) to start it at draws from "
          + "N(0, 1) with --seed: --params W:2x3,b=[0,0,0],c.")
  List<String> paramSpecs = new ArrayList<>();

  @Option(names = "--inputs", paramLabel = "NAME=COLUMN,...",
      description = "Gathers columns into one input: --inputs x=x1,x2 makes x a [rows, 2] tensor, one row per sample, "
          + "for models such as \"relu(x @ W + b) @ v + c\" (--inputs x=x1,x2,t=t1,t2 gives two). A column named in "
          + "the model is a vector [rows] of its own.")
  List<String> inputSpecs = new ArrayList<>();

  /** --params by name: the start given, or a shape to draw from --seed. */
  private Map<String, Start> params;
  /** --inputs by name: the columns gathered. */
  private Map<String, List<String>> gathered;
  /** The header of --data. */
  private List<String> columns;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED",
      description = "Seed of the random initial values of the parameters --params names without a value "
          + "(default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--loss", defaultValue = "mse", converter = LossChoice.Cli.class,
      completionCandidates = LossChoice.Cli.class, paramLabel = "LOSS",
      description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  LossChoice loss;

  @Option(names = "--optimizer", defaultValue = "sgd", converter = OptimizerChoice.Cli.class,
      completionCandidates = OptimizerChoice.Cli.class, paramLabel = "NAME",
      description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}), with torch.optim's semantics.")
  OptimizerChoice optimizer;

  @Option(names = "--lr", defaultValue = "0.01", paramLabel = "RATE", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--momentum", paramLabel = "M",
      description = "sgd, momentum, nesterov, rmsprop: momentum (default 0.9 for momentum and nesterov, else 0).")
  Double momentum;

  @Option(names = "--dampening", paramLabel = "D", description = "sgd, momentum: dampening of the momentum (default 0).")
  Double dampening;

  @Option(names = "--alpha", paramLabel = "A", description = "rmsprop: smoothing constant (default 0.99).")
  Double alpha;

  @Option(names = "--beta1", paramLabel = "B1", description = "adam, adamw: decay of the first moment (default 0.9).")
  Double beta1;

  @Option(names = "--beta2", paramLabel = "B2", description = "adam, adamw: decay of the second moment (default 0.999).")
  Double beta2;

  @Option(names = "--eps", paramLabel = "EPS", description = "rmsprop, adam, adamw: added to the denominator (default 1e-8).")
  Double eps;

  @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay (default 0; 0.01 for adamw, decoupled).")
  Double weightDecay;

  @Option(names = "--epochs", defaultValue = "100", paramLabel = "N", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", paramLabel = "ROWS", description = "Rows per step (default: all rows, one step per epoch).")
  Integer batch;

  @Option(names = "--shuffle", paramLabel = "SEED", description = "Shuffle the rows each epoch, reproducibly from SEED.")
  Long shuffle;

  @Option(names = "--no-shuffle", description = "Visit the rows in file order (the default).")
  boolean noShuffle;

  @Option(names = "--report", paramLabel = "DIR", description = "Write params.json, trajectory.csv, plots and index.html here.")
  Path report;

  @Option(names = "--checkpoint", paramLabel = "DIR",
      description = "Save the parameters and the optimizer's state to DIR/checkpoint.safetensors after the last epoch "
          + "(and every --checkpoint-every epochs), to continue with --resume DIR.")
  Path checkpoint;

  @Option(names = "--checkpoint-every", paramLabel = "N", description = "With --checkpoint or --resume: also save every N epochs.")
  Integer checkpointEvery;

  @Option(names = "--resume", paramLabel = "DIR",
      description = "Continue from DIR/checkpoint.safetensors up to --epochs in all, ending bit for bit where an "
          + "uninterrupted fit would; saves back to DIR unless --checkpoint names another. The report covers the "
          + "resumed steps.")
  Path resume;

  @Override
  public Integer call() throws IOException {
    checkOptions();
    params = declaredParams();
    gathered = gatheredInputs();
    if (report != null) {
      Outputs.checkDirectory("--report", report);
    }
    Expression e = Expressions.parse(model);
    Dataset dataset = readData(e);
    if (dataset.size() == 0) {
      throw new IllegalArgumentException("CSV " + data + " has a header but no rows of data");
    }
    Map<String, ExpressionModel.Input> inputs = inputColumns(e, dataset);
    Map<String, Tensor> initial = initialValues(e, inputs);
    ExpressionModel m = new ExpressionModel(e, inputs, initial);
    Loss lossFn = loss.loss();
    Map<String, Object> settings = optimizerSettings();
    Optimizer opt = optimizer(m, settings);
    int batchSize = batch == null ? dataset.size() : batch;
    Batches batches = dataset.batches(batchSize);
    batches = shuffle != null ? batches.shuffle(shuffle) : batches.inOrder();

    checkShapes(m, lossFn, batches);

    PrintWriter w = spec.commandLine().getOut();
    FitRun run = new FitRun(m, dataset, data, target, lossFn, loss.cli, settings, batches, epochs, initial);
    w.println(run.describe());
    w.flush();

    Trainer trainer = Trainer.of(m, lossFn, opt).recordParameters(true).progress(Progress.auto())
        .historyLimit(FitFiles.historyLimit(m));
    String resuming = FitCheckpoint.configure(trainer, checkpoint, checkpointEvery, resume, epochs,
        FitCheckpoint.identity(e.source(), target, loss.cli), m.parameterTensors());
    if (resuming != null) {
      w.println(resuming);
      w.flush();
    }
    History history;
    try {
      history = trainer.fit(batches, epochs);
    } catch (TrainingDivergedException diverged) {
      String where = "";
      if (report != null) {
        where = "\nthe trajectory of the " + diverged.history().steps() + " completed steps is in "
            + FitFiles.writeTrajectory(report, run, diverged.history());
      }
      // The trainer speaks to Java callers ("fit: ...", "history() holds ..."); say the same to a person.
      String message = diverged.getMessage().replaceFirst("^fit: ", "")
          .replaceFirst("; history\\(\\) holds the \\d+ completed steps$", ".");
      throw new IllegalStateException("training diverged: " + message + where, diverged);
    }

    FitRun.Result result = run.finish(history);
    w.println();
    w.println("parameters");
    int width = 0;
    for (String p : result.parameters().keySet()) {
      width = Math.max(width, p.length());
    }
    for (Map.Entry<String, Tensor> p : result.parameters().entrySet()) {
      w.printf(Locale.ROOT, "  %-" + width + "s = %s%n", p.getKey(), FitRun.full(p.getValue()));
    }
    w.println("loss = " + Numbers.full(result.loss()) + "   (" + loss.cli + " over all " + dataset.size()
        + " rows at the final parameters; gradient norm " + Format.number(result.gradientNorm()) + ")");
    if (history.stride() > 1) {
      w.println(FitFiles.thinning(history));
    }
    if (report != null) {
      List<Path> files = FitFiles.writeAll(report, run, history, result);
      w.println();
      w.println("wrote " + String.join(", ", files.stream().map(Path::toString).toList()));
    }
    w.flush();
    return 0;
  }

  private void checkOptions() {
    if (shuffle != null && noShuffle) {
      throw new ParameterException(spec.commandLine(), "--shuffle and --no-shuffle exclude each other: give one");
    }
    if (batch != null && batch < 1) {
      throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
    }
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new ParameterException(spec.commandLine(), "--lr must be a finite number of 0 or more, got " + lr);
    }
    if (epochs < 0) {
      throw new ParameterException(spec.commandLine(), "--epochs must be 0 or more, got " + epochs);
    }
    if (checkpointEvery != null && (checkpointEvery < 1 || checkpoint == null && resume == null)) {
      throw new ParameterException(spec.commandLine(), checkpointEvery < 1
          ? "--checkpoint-every must be at least 1, got " + checkpointEvery
          : "--checkpoint-every needs --checkpoint DIR (or --resume DIR) to say where");
    }
    Map<String, Double> given = new LinkedHashMap<>();
    given.put("--momentum", momentum);
    given.put("--dampening", dampening);
    given.put("--alpha", alpha);
    given.put("--beta1", beta1);
    given.put("--beta2", beta2);
    given.put("--eps", eps);
    given.put("--weight-decay", weightDecay);
    for (Map.Entry<String, Double> g : given.entrySet()) {
      if (g.getValue() != null && !optimizer.options.contains(g.getKey())) {
        List<String> takers = new ArrayList<>();
        for (OptimizerChoice c : OptimizerChoice.values()) {
          if (c.options.contains(g.getKey())) {
            takers.add(c.cli);
          }
        }
        throw new ParameterException(spec.commandLine(), g.getKey() + " does not apply to --optimizer " + optimizer
            + " (it applies to " + Names.list(takers) + "); " + optimizer + " takes " + Names.list(optimizer.options));
      }
    }
  }

  /**
   * Only the target and the columns the model uses are read as numbers, so a spreadsheet's other
   * columns (ids, labels, notes) may hold text.
   */
  private Dataset readData(Expression e) throws IOException {
    if (Files.isDirectory(data)) {
      // Reading a directory fails with a bare "Is a directory" that names no file.
      throw new IllegalArgumentException("--data " + data + " is a directory; give a CSV file");
    }
    columns = Csv.columns(data);
    Set<String> used = new LinkedHashSet<>();
    for (String v : e.variables()) {
      if (gathered.containsKey(v)) {
        for (String c : gathered.get(v)) {
          checkColumn(c, "--inputs " + v + "=" + String.join(",", gathered.get(v)));
          used.add(c);
        }
      } else if (columns.contains(v) && !v.equals(target)) {
        used.add(v);
      }
    }
    // Dataset reads every non-target column when given no inputs; the target stands in, and is never read as one.
    return Dataset.fromCsv(data, used.isEmpty() ? List.of(target) : List.copyOf(used), List.of(target));
  }

  private void checkColumn(String column, String given) {
    if (column.equals(target)) {
      throw new IllegalArgumentException(given + ": " + column + " is the target; the model must predict it from the"
          + " other columns");
    }
    if (!columns.contains(column)) {
      throw new IllegalArgumentException(given + ": " + column + " is not a column of " + data + " (its columns are "
          + Names.list(columns) + ")" + likelyColumn(column, columns).map(c -> "; did you mean '" + c + "'?").orElse(""));
    }
  }

  /**
   * The model's variables that are inputs (--inputs names, and columns of the data), with their
   * columns; the target may not be one.
   */
  private Map<String, ExpressionModel.Input> inputColumns(Expression e, Dataset dataset) {
    if (e.variables().contains(target) && !gathered.containsKey(target)) {
      throw new IllegalArgumentException("the model '" + e.source() + "' uses the target column " + target
          + " as a variable; the model must predict " + target + " from the other columns");
    }
    Expressions.checkNoStrangers(e, gathered.keySet(), "--inputs", "a variable");
    Map<String, ExpressionModel.Input> inputs = new LinkedHashMap<>();
    for (String v : e.variables()) {
      if (gathered.containsKey(v)) {
        int[] cs = gathered.get(v).stream().mapToInt(c -> dataset.inputNames().indexOf(c)).toArray();
        inputs.put(v, new ExpressionModel.Input(cs, true));
      } else if (dataset.inputNames().contains(v) && !v.equals(target)) {
        inputs.put(v, new ExpressionModel.Input(new int[] {dataset.inputNames().indexOf(v)}, false));
      }
    }
    for (String p : params.keySet()) {
      if (gathered.containsKey(p)) {
        throw new IllegalArgumentException("--params " + p + "=...: " + p + " is given in --inputs, so it is an input of"
            + " the model, not a parameter");
      }
      if (inputs.containsKey(p)) {
        throw new IllegalArgumentException("--params " + p + "=...: " + p + " is a column of " + data
            + ", so it is an input of the model, not a parameter");
      }
    }
    Expressions.checkNoStrangers(e, params.keySet(), "--params", "a parameter");
    if (inputs.size() == e.variables().size()) {
      throw new IllegalArgumentException("the model '" + e.source() + "' has no parameters to fit: its variables "
          + Names.list(e.variables()) + " are all columns of " + data);
    }
    checkEveryParameterIsDeclared(e, inputs);
    return inputs;
  }

  /**
   * The column a name was probably meant to be: the nearest within a third of its length, or one
   * edit away when either name is longer than one letter ({@code xx} for {@code x}, not {@code b}).
   */
  private static Optional<String> likelyColumn(String name, List<String> columns) {
    Optional<String> near = Names.nearest(name, columns);
    if (near.isPresent()) {
      return near;
    }
    return columns.stream().filter(c -> !c.isEmpty() && Math.max(c.length(), name.length()) > 1
        && Spelling.distance(name, c) == 1).findFirst();
  }

  /**
   * How a parameter starts: at {@code value}, or at draws from N(0, 1) with --seed in {@code shape}
   * ({@code value} null; {@code shape} empty for one number).
   */
  record Start(Tensor value, int[] shape) {}

  private static final Pattern SHAPE = Pattern.compile("\\d+(x\\d+)*");

  /** --params NAME=VALUE,NAME:SHAPE,NAME,...: each parameter's start (see {@link Start}). */
  private Map<String, Start> declaredParams() {
    Map<String, Start> declared = new LinkedHashMap<>();
    String previous = null;
    for (String given : Values.splitAll(spec, paramSpecs, "--params")) {
      int eq = given.indexOf('=');
      String head = (eq < 0 ? given : given.substring(0, eq)).strip();
      int colon = head.indexOf(':');
      String name = (colon < 0 ? head : head.substring(0, colon)).strip();
      if (name.isEmpty()) {
        throw usage("--params " + given + ": a parameter needs a name, as in a=1, a, or W:2x3");
      }
      if (previous != null && previous.contains(":") && eq < 0 && name.matches("\\d+")) {
        throw usage("--params " + previous + "," + given + ": the sizes of a shape are joined by x, not commas: did you"
            + " mean " + previous + "x" + given + "?");
      }
      if (declared.containsKey(name)) {
        throw usage("--params names " + name + " twice; give each parameter once");
      }
      Start start;
      if (colon >= 0 && eq >= 0) {
        throw usage("--params " + given + ": give a start (" + name + "=VALUE) or a shape for a random start ("
            + head + "), not both");
      } else if (colon >= 0) {
        start = new Start(null, shape(given, name, head.substring(colon + 1).strip()));
      } else if (eq >= 0) {
        String text = given.substring(eq + 1);
        try {
          start = new Start(Values.value(text, eq + 1), null);
        } catch (IllegalArgumentException bad) {
          String sizes = text.strip();
          throw usage("--params " + given + ": " + bad.getMessage() + (SHAPE.matcher(sizes).matches()
              ? "; for a random start of shape " + sizes + " write " + name + ":" + sizes : ""));
        }
      } else {
        start = new Start(null, new int[0]);
      }
      declared.put(name, start);
      previous = given;
    }
    return declared;
  }

  /** {@code 2x3} as {@code [2, 3]}, or a usage error suggesting that spelling. */
  private int[] shape(String given, String name, String text) {
    String[] sizes = text.split("x");
    if (SHAPE.matcher(text).matches()) {
      int[] shape = new int[sizes.length];
      for (int i = 0; i < sizes.length; i++) {
        try {
          shape[i] = Integer.parseInt(sizes[i]);
        } catch (NumberFormatException huge) {
          shape[i] = 0;
        }
        if (shape[i] < 1 || shape[i] > 1 << 24) {
          throw usage("--params " + given + ": each size of a shape must be from 1 to " + (1 << 24) + ", got " + sizes[i]);
        }
      }
      return shape;
    }
    String digits = String.join("x", text.split("[^0-9]+")).replaceAll("^x+|x+$", "");
    throw usage("--params " + given + ": '" + text + "' is not a shape; a shape is sizes joined by x, as in " + name
        + ":2x3" + (SHAPE.matcher(digits).matches() ? ": did you mean " + name + ":" + digits + "?" : ""));
  }

  /** --inputs NAME=COLUMN,COLUMN,...: a name starts at each '='; the columns after it are gathered into it. */
  private Map<String, List<String>> gatheredInputs() {
    Map<String, List<String>> inputs = new LinkedHashMap<>();
    List<String> current = null;
    for (String item : Values.splitAll(spec, inputSpecs, "--inputs")) {
      int eq = item.indexOf('=');
      String column = (eq < 0 ? item : item.substring(eq + 1)).strip();
      if (eq >= 0) {
        String name = item.substring(0, eq).strip();
        if (name.isEmpty()) {
          throw usage("--inputs " + item + ": an input needs a name, as in x=x1,x2");
        }
        if (inputs.containsKey(name)) {
          throw usage("--inputs names " + name + " twice; give each input once");
        }
        current = new ArrayList<>();
        inputs.put(name, current);
      } else if (current == null) {
        throw usage("--inputs " + item + ": expected NAME=COLUMN,COLUMN,..., such as x=x1,x2");
      }
      if (column.isEmpty()) {
        throw usage("--inputs " + item + ": a column name is missing");
      }
      current.add(column);
    }
    return inputs;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /**
   * Every variable that is not a column must be named in --params: otherwise a mistyped column
   * ({@code xx} for {@code x}) would silently become a parameter with a random start.
   */
  private void checkEveryParameterIsDeclared(Expression e, Map<String, ExpressionModel.Input> inputs) {
    List<String> undeclared = new ArrayList<>();
    for (String v : e.variables()) {
      if (!inputs.containsKey(v) && !params.containsKey(v)) {
        undeclared.add(v);
      }
    }
    if (undeclared.isEmpty()) {
      return;
    }
    StringBuilder hints = new StringBuilder();
    for (String v : undeclared) {
      List<String> numbered = columns.stream().filter(c -> c.matches(Pattern.quote(v) + "_?\\d+")).toList();
      if (numbered.size() > 1) {
        hints.append("; to gather " + Names.list(numbered) + " into one input " + v + " of shape [rows, "
            + numbered.size() + "], give --inputs " + v + "=" + String.join(",", numbered) + ".");
        continue;
      }
      likelyColumn(v, columns).ifPresent(c -> hints.append(undeclared.size() == 1 ? "; did you mean '" + c + "'?"
          : "; for " + v + ", did you mean '" + c + "'?"));
    }
    List<String> fix = new ArrayList<>(paramSpecs);
    fix.addAll(undeclared);
    boolean one = undeclared.size() == 1;
    throw new IllegalArgumentException("the model '" + e.source() + "' uses " + Names.list(undeclared) + ", which "
        + (one ? "is neither a column" : "are neither columns") + " of " + data + " (its columns are "
        + Names.list(columns) + ") nor declared in --params" + hints + (hints.length() == 0 ? ". " : " ") + "To fit " + (one ? "it" : "them")
        + " as " + (one ? "a parameter" : "parameters") + ", declare " + (one ? "it" : "them") + ": --params "
        + String.join(",", fix) + " (a name alone starts at a draw from N(0, 1) with --seed, name:2x3 at a [2, 3]"
        + " tensor of such draws; name=VALUE gives the start)");
  }

  /**
   * --params' values where given, else N(0, 1) draws from --seed, taken in the order the parameters
   * appear, each filling its shape row by row.
   */
  private Map<String, Tensor> initialValues(Expression e, Map<String, ExpressionModel.Input> inputs) {
    int drawn = 0;
    for (String v : e.variables()) {
      if (!inputs.containsKey(v) && params.get(v).value() == null) {
        drawn += Shape.numel(params.get(v).shape());
      }
    }
    double[] random = drawn == 0 ? new double[0] : RandomTensors.randn(seed, drawn).toArray();
    Map<String, Tensor> initial = new LinkedHashMap<>();
    int next = 0;
    for (String v : e.variables()) {
      if (inputs.containsKey(v)) {
        continue;
      }
      Start start = params.get(v);
      if (start.value() != null) {
        initial.put(v, start.value());
      } else {
        int n = Shape.numel(start.shape());
        initial.put(v, Tensor.of(Arrays.copyOfRange(random, next, next + n), start.shape()));
        next += n;
      }
    }
    return initial;
  }

  /**
   * One forward pass and loss on the first batch, so that shapes that do not fit together are an
   * error before training starts, naming the op, its operands' shapes and the variables' shapes.
   */
  private void checkShapes(ExpressionModel m, Loss lossFn, Batches batches) {
    Batch first = batches.epoch(0).iterator().next();
    try (var scope = Tensor.noGrad()) {
      lossFn.compute(m.forward(first.inputs()), first.targets());
    } catch (IllegalArgumentException | IllegalStateException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("the model '")) {
        throw e;
      }
      Map<String, Tensor> shapes = new LinkedHashMap<>(m.parameterTensors());
      m.inputs().forEach((n, in) -> shapes.put(n, in.features()
          ? Tensor.zeros(first.size(), in.columns().length) : Tensor.zeros(first.size())));
      throw new IllegalArgumentException("the model '" + m.expression().source() + "' does not fit the data's shapes ("
          + ExpressionModel.shapes(shapes) + ", for a batch of " + first.size() + " rows): " + e.getMessage(), e);
    }
  }

  /** The optimiser {@link #optimizerSettings} describes. */
  private Optimizer optimizer(ExpressionModel m, Map<String, Object> settings) {
    ToDoubleFunction<String> get = key -> (Double) settings.get(key);
    return switch (optimizer) {
      case SGD, MOMENTUM, NESTEROV -> Sgd.builder(lr).momentum(get.applyAsDouble("momentum"))
          .dampening(optimizer == OptimizerChoice.NESTEROV ? 0 : get.applyAsDouble("dampening"))
          .nesterov(optimizer == OptimizerChoice.NESTEROV).weightDecay(get.applyAsDouble("weightDecay")).build(m);
      case RMSPROP -> RmsProp.builder(lr).alpha(get.applyAsDouble("alpha")).eps(get.applyAsDouble("eps"))
          .momentum(get.applyAsDouble("momentum")).weightDecay(get.applyAsDouble("weightDecay")).build(m);
      case ADAM, ADAMW -> (optimizer == OptimizerChoice.ADAMW ? Adam.adamW(lr) : Adam.builder(lr))
          .betas(get.applyAsDouble("beta1"), get.applyAsDouble("beta2")).eps(get.applyAsDouble("eps"))
          .weightDecay(get.applyAsDouble("weightDecay")).build(m);
    };
  }

  /**
   * The optimiser and every setting, given or torch.optim's default: what is built, printed and
   * written to params.json, so the three cannot disagree.
   */
  private Map<String, Object> optimizerSettings() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", optimizer.cli);
    d.put("lr", lr);
    switch (optimizer) {
      case SGD:
      case MOMENTUM:
      case NESTEROV:
        d.put("momentum", momentum != null ? momentum : optimizer == OptimizerChoice.SGD ? 0.0 : 0.9);
        if (optimizer != OptimizerChoice.NESTEROV) {
          d.put("dampening", dampening != null ? dampening : 0.0);
        }
        d.put("weightDecay", weightDecay != null ? weightDecay : 0.0);
        break;
      case RMSPROP:
        d.put("alpha", alpha != null ? alpha : 0.99);
        d.put("eps", eps != null ? eps : 1e-8);
        d.put("momentum", momentum != null ? momentum : 0.0);
        d.put("weightDecay", weightDecay != null ? weightDecay : 0.0);
        break;
      default:
        d.put("beta1", beta1 != null ? beta1 : 0.9);
        d.put("beta2", beta2 != null ? beta2 : 0.999);
        d.put("eps", eps != null ? eps : 1e-8);
        d.put("weightDecay", weightDecay != null ? weightDecay : optimizer == OptimizerChoice.ADAMW ? 0.01 : 0.0);
        break;
    }
    return d;
  }
}
