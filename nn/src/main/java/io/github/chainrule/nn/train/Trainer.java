package io.github.chainrule.nn.train;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.Format;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.data.Batch;
import io.github.chainrule.nn.data.Batches;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.io.Checkpoint;
import io.github.chainrule.nn.loss.Loss;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import io.github.chainrule.nn.optim.GradClip;
import io.github.chainrule.nn.optim.LrSchedule;
import io.github.chainrule.nn.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop. Each step, for one mini-batch: clear gradients, forward, loss, backward,
 * check that the loss and every gradient are finite, optionally clip, update, record, call back.
 *
 * <pre>{@code
 * History h = Trainer.fit(model, data.batches(1), Losses.mse(), Sgd.of(model, 0.01), 100);
 *
 * History h = Trainer.of(model, Losses.mse(), Adam.of(model, 1e-3))
 *     .recordParameters(true).schedule(s).callback(cb)
 *     .fit(data.batches(32).shuffle(7), 100);
 * }</pre>
 *
 * <h2>Non-finite values</h2>
 * When a step's loss is NaN or infinite, or any gradient is, the step makes no update and {@link
 * #fit} throws a {@link TrainingDivergedException} naming the step and the first parameter or
 * node affected: for the loss, the first node in evaluation order whose value is not finite (a
 * parameter that overflowed in the previous update shows up as itself); for the gradients, the
 * first parameter in model order. The exception carries the history of every completed step.
 */
public final class Trainer {
  private final Module model;
  private final Loss loss;
  private final Optimizer optimizer;
  private final List<Callback> callbacks = new ArrayList<>();
  private boolean recordParameters;
  private int historyLimit = History.DEFAULT_LIMIT;
  private LrSchedule schedule;
  private double clipNorm = Double.NaN;
  private double clipValue = Double.NaN;
  private Progress progress = Progress.auto();
  private boolean stopRequested;
  private Path checkpointFile;
  private int checkpointEvery;
  private Map<String, String> checkpointMetadata = Map.of();
  private Path resumeFile;

  private Trainer(Module model, Loss loss, Optimizer optimizer) {
    this.model = model;
    this.loss = loss;
    this.optimizer = optimizer;
  }

  public static Trainer of(Module model, Loss loss, Optimizer optimizer) {
    return new Trainer(model, loss, optimizer);
  }

  /** Trains with default options; see the class comment. */
  public static History fit(Module model, Batches data, Loss loss, Optimizer optimizer, int epochs) {
    return of(model, loss, optimizer).fit(data, epochs);
  }

  /** Trains on the whole dataset as one batch per epoch (full-batch gradient descent). */
  public static History fit(Module model, Dataset data, Loss loss, Optimizer optimizer, int epochs) {
    return of(model, loss, optimizer).fit(data.fullBatch(), epochs);
  }

  // ---------------------------------------------------------------- options

  /** Record every parameter's value and gradient at every step into the history (off by default). */
  public Trainer recordParameters(boolean on) {
    this.recordParameters = on;
    return this;
  }

  /**
   * Steps (and epochs) the history keeps one by one before it thins its record to every second,
   * fourth, ... step, so that a run of any length fits in memory (default {@value
   * History#DEFAULT_LIMIT}; an even number of at least 2).
   */
  public Trainer historyLimit(int steps) {
    checkArgument(steps >= 2 && steps % 2 == 0, "historyLimit: give an even number of at least 2, got %s", steps);
    this.historyLimit = steps;
    return this;
  }

  /** A learning-rate schedule stepped after every epoch. */
  public Trainer schedule(LrSchedule schedule) {
    this.schedule = schedule;
    return this;
  }

  /** Clip gradients to this total 2-norm before each update (after the finiteness check). */
  public Trainer clipGradNorm(double maxNorm) {
    this.clipNorm = maxNorm;
    return this;
  }

  /** Clamp every gradient element to [−clip, clip] before each update. */
  public Trainer clipGradValue(double clip) {
    this.clipValue = clip;
    return this;
  }

  public Trainer callback(Callback callback) {
    callbacks.add(callback);
    return this;
  }

  public Trainer progress(Progress progress) {
    this.progress = progress;
    return this;
  }

  /**
   * Saves the weights, the optimiser's state and the position in training (epochs and steps done) to
   * {@code file} (see {@link Checkpoint}) after every {@code everyEpochs} epochs and after the last,
   * so that a later run can {@link #resume} from it.
   *
   * @param metadata more strings to keep in the file, for the caller to check on resuming
   */
  public Trainer checkpoint(Path file, int everyEpochs, Map<String, String> metadata) {
    checkArgument(everyEpochs >= 1, "checkpoint: everyEpochs must be at least 1, got %s", everyEpochs);
    this.checkpointFile = file;
    this.checkpointEvery = everyEpochs;
    this.checkpointMetadata = Map.copyOf(metadata);
    return this;
  }

  public Trainer checkpoint(Path file, int everyEpochs) {
    return checkpoint(file, everyEpochs, Map.of());
  }

  /**
   * Continues from a checkpoint: {@link #fit} loads it into the model and the optimiser, moves the
   * schedule to its epoch, and runs the epochs from there up to the {@code epochs} it is given, so
   * that a run stopped at a checkpoint and resumed ends bit for bit where an uninterrupted one does
   * (for the same data, batches and shuffle seed). The history holds the resumed epochs only.
   */
  public Trainer resume(Path file) {
    this.resumeFile = file;
    return this;
  }

  void requestStop() {
    stopRequested = true;
  }

  // ---------------------------------------------------------------- the loop

  /** Runs {@code epochs} epochs over {@code data} and returns the history. */
  public History fit(Batches data, int epochs) {
    checkArgument(epochs >= 0, "fit: epochs must be >= 0, got %s", epochs);
    List<Parameter> params = model.parameters();
    int firstEpoch = 0;
    int step = 0;
    if (resumeFile != null) {
      Map<String, String> at = load(resumeFile);
      firstEpoch = position(at, EPOCH_KEY);
      step = position(at, STEP_KEY);
      checkArgument(firstEpoch <= epochs, "fit: the checkpoint %s is at epoch %s, past the %s epochs asked for",
          resumeFile, firstEpoch, epochs);
      if (schedule != null) {
        schedule.seek(firstEpoch);
      }
    }
    History history = new History(params, recordParameters, historyLimit);
    stopRequested = false;
    model.train();
    int firstStep = step;
    progress.start((long) (epochs - firstEpoch) * data.count());
    try {
      for (int epoch = firstEpoch; epoch < epochs && !stopRequested; epoch++) {
        double weighted = 0;
        int rows = 0;
        for (Batch batch : data.epoch(epoch)) {
          double l = step(batch, step, epoch, params, history);
          weighted += l * batch.size();
          rows += batch.size();
          progress.step(step + 1L - firstStep, epoch, l);
          Callback.StepEnd end = new Callback.StepEnd(step, epoch, batch.index(), l, this);
          step++;
          for (Callback cb : callbacks) {
            cb.onStep(end);
          }
          if (stopRequested) {
            break;
          }
        }
        double epochLoss = rows == 0 ? Double.NaN : weighted / rows;
        history.recordEpoch(epochLoss);
        if (schedule != null) {
          schedule.step();
        }
        if (checkpointFile != null && !stopRequested && ((epoch + 1) % checkpointEvery == 0 || epoch + 1 == epochs)) {
          save(epoch + 1, step);
        }
        Callback.EpochEnd end = new Callback.EpochEnd(epoch, epochLoss, history, this);
        for (Callback cb : callbacks) {
          cb.onEpoch(end);
        }
      }
    } finally {
      progress.close();
    }
    return history;
  }

  private static final String EPOCH_KEY = "trainer.epoch";
  private static final String STEP_KEY = "trainer.step";

  private void save(int epochsDone, int stepsDone) {
    Map<String, String> metadata = new LinkedHashMap<>(checkpointMetadata);
    metadata.put(EPOCH_KEY, Integer.toString(epochsDone));
    metadata.put(STEP_KEY, Integer.toString(stepsDone));
    try {
      Checkpoint.save(checkpointFile, model, optimizer, metadata);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, String> load(Path file) {
    try {
      return Checkpoint.load(file, model, optimizer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int position(Map<String, String> metadata, String key) {
    String v = metadata.get(key);
    checkArgument(v != null && v.matches("\\d{1,9}"), "fit: checkpoint %s has no %s (a trainer's checkpoint has"
        + " %s and %s)", resumeFile, key, EPOCH_KEY, STEP_KEY);
    return Integer.parseInt(v);
  }

  private double step(Batch batch, int step, int epoch, List<Parameter> params, History history) {
    optimizer.zeroGrad();
    Tensor prediction = model.forward(batch.inputs());
    Tensor l = loss.compute(prediction, batch.targets());
    checkArgument(l.size() == 1, "fit: loss %s returned shape %s; a loss must be a scalar",
        loss.name(), Shape.format(l.shapeRef()));
    double value = l.item();
    String where = "step " + step + " (epoch " + epoch + ", batch " + batch.index() + ")";
    if (!Double.isFinite(value)) {
      Tensor first = firstNonFinite(l);
      String culprit = first == null ? l.label() : first.label();
      throw new TrainingDivergedException("fit: the loss " + loss.name() + " is " + Format.number(value) + " at "
          + where + "; the first non-finite value in evaluation order is " + describe(first, params)
          + dataNote(batch) + ". No update was made; history() holds the " + step + " completed steps", step, epoch, culprit, history);
    }
    if (!l.needsGrad()) {
      throw new IllegalStateException("fit: the loss does not depend on any parameter of the model; "
          + "does forward() use them?");
    }
    Backward.from(l).keepIntermediateGrads(false).run();
    for (Parameter p : params) {
      if (!p.hasGrad()) {
        continue;
      }
      double[] g = p.grad().data();
      for (int i = 0; i < g.length; i++) {
        if (!Double.isFinite(g[i])) {
          throw new TrainingDivergedException("fit: the gradient of parameter " + p.name() + " is "
              + Format.number(g[i]) + " at flat index " + i + " at " + where + " (loss " + Format.number(value)
              + "); gradient " + Format.values(g, p.tensor().shapeRef(), 16) + ", values "
              + Format.values(p.data(), p.tensor().shapeRef(), 16) + dataNote(batch)
              + ". No update was made; history() holds the " + step + " completed steps", step, epoch, p.name(), history);
        }
      }
    }
    if (!Double.isNaN(clipNorm)) {
      GradClip.byNorm(params, clipNorm);
    }
    if (!Double.isNaN(clipValue)) {
      GradClip.byValue(params, clipValue);
    }
    history.recordStep(value, params);
    optimizer.step();
    history.recordUpdate(params);
    return value;
  }

  /**
   * Where the batch's own data is not finite, or "": an op that maps NaN to a number (relu) can hide
   * bad data from the loss, so a NaN gradient would otherwise be blamed on a parameter alone.
   */
  private static String dataNote(Batch batch) {
    for (Tensor t : List.of(batch.inputs(), batch.targets())) {
      double[] v = t.data();
      int cols = t.rank() == 2 ? t.shapeRef()[1] : 1;
      for (int i = 0; i < v.length; i++) {
        if (!Double.isFinite(v[i])) {
          return "; note: the batch's " + (t == batch.inputs() ? "inputs" : "targets") + " hold " + Format.number(v[i])
              + " at dataset row " + batch.rows()[i / cols] + ", column " + (i % cols) + ": the data is not finite";
        }
      }
    }
    return "";
  }

  private static String describe(Tensor node, List<Parameter> params) {
    if (node == null) {
      return "not found";
    }
    for (Parameter p : params) {
      if (p.tensor() == node) {
        return "parameter " + p.name() + " = " + Format.values(node.data(), node.shapeRef(), 16)
            + " (an earlier update overflowed it)";
      }
    }
    String made = node.op() == null ? "an input" : node.op().label() + " of " + labels(node.inputs());
    return node.label() + " of shape " + Shape.format(node.shapeRef()) + " = "
        + Format.values(node.data(), node.shapeRef(), 16) + ", " + made;
  }

  private static String labels(List<Tensor> inputs) {
    List<String> out = new ArrayList<>();
    for (Tensor t : inputs) {
      out.add(t.label());
    }
    return out.toString();
  }

  /**
   * The first node, in an evaluation order of {@code root}'s graph (every node after its inputs),
   * holding a NaN or infinite value; null if none does. Iterative, so deep graphs are fine.
   */
  static Tensor firstNonFinite(Tensor root) {
    Map<Tensor, Boolean> seen = new IdentityHashMap<>();
    Deque<Tensor> stack = new ArrayDeque<>();
    Deque<Integer> next = new ArrayDeque<>();
    stack.push(root);
    next.push(0);
    seen.put(root, Boolean.TRUE);
    while (!stack.isEmpty()) {
      Tensor node = stack.peek();
      int i = next.pop();
      List<Tensor> inputs = node.inputs();
      if (i < inputs.size()) {
        next.push(i + 1);
        Tensor in = inputs.get(i);
        if (seen.put(in, Boolean.TRUE) == null) {
          stack.push(in);
          next.push(0);
        }
      } else {
        stack.pop();
        for (double v : node.data()) {
          if (!Double.isFinite(v)) {
            return node;
          }
        }
      }
    }
    return null;
  }

  public Module model() {
    return model;
  }

  public Optimizer optimizer() {
    return optimizer;
  }
}
