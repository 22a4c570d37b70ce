package io.github.chainrule.app.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.autodiff.Backward;
import io.github.chainrule.autodiff.GradMode;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.autodiff.inspect.GradientHealth;
import io.github.chainrule.nn.data.Dataset;
import io.github.chainrule.nn.io.Safetensors;
import io.github.chainrule.nn.layers.Activation;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Mlp;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.loss.Loss;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import io.github.chainrule.nn.optim.Optimizer;
import io.github.chainrule.viz.dot.DotExporter;
import io.github.chainrule.viz.dot.DotOptions;
import io.github.chainrule.viz.graph.TensorGraph;
import io.github.chainrule.viz.report.HtmlReport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One tab's training run: a network from nn trained on the real engine, full batch, on a shared
 * scheduler. Every access to the model holds this session's lock. Training only counts versions;
 * a frame (the page's view of the run, as JSON) is built when a reader asks and the version has
 * moved, so frames cost nothing while nobody watches, and a slow reader skips versions instead of
 * holding training up.
 */
final class TrainingSession {
  static final Set<String> CONTROL_FIELDS = Set.of("action", "steps", "lr", "speed");
  private static final long TICK_MILLIS = 20;
  private static final long SLICE_NANOS = 25_000_000L;
  private static final int GRID = 24;
  private static final int TRACKED = 12;
  private static final int RECORDED = 600;
  /** Most hidden units whose weighted piece a frame carries (the one-input view; every kink is sent). */
  static final int PIECES = 32;

  final String id;
  private final TrainerSetup setup;
  private final DataSets.Split data;
  private final Limits limits;
  private final ScheduledExecutorService trainers;

  private Sequential model;
  private List<Linear> linears;
  private Optimizer optimizer;
  private final Loss loss;
  private long step;
  private double lr;
  private int speed;
  private boolean playing;
  private long target = -1;
  private double credit;
  private long lastTick;
  private String error;
  private double lastLoss = Double.NaN;
  private double lastTest = Double.NaN;
  private final Series history = new Series(RECORDED);
  private final Series trajectory = new Series(RECORDED);
  private final Series health = new Series(RECORDED);
  /** GradientHealth's defaults: a layer below 1e-3 of the largest norm vanishes; growth beyond ×2 per layer is flagged. */
  private static final double VANISHING_RATIO = 1e-3;
  private static final double GROWTH_LIMIT = 2.0;
  /** The health of the last step's gradients, null before the first step. */
  private GradientHealth lastHealth;
  private ScheduledFuture<?> ticking;

  private final Object frames = new Object();
  /** Bumped on every change a frame would show; frames are built for the newest version only. */
  private volatile long version;
  private Frame built;
  private volatile long lastTouched = System.nanoTime();
  private volatile boolean closed;

  TrainingSession(String id, TrainerSetup setup, String csv, Limits limits, ScheduledExecutorService trainers) {
    this.id = id;
    this.setup = setup;
    this.limits = limits;
    this.trainers = trainers;
    this.data = DataSets.named(setup.data(), csv, limits);
    checkSize(setup, data, limits);
    this.loss = setup.lossFunction();
    this.speed = Math.min(200, limits.stepsPerSecond());
    synchronized (this) {
      reset();
    }
  }

  // ---------------------------------------------------------------- building and initialising

  /**
   * Width alone does not bound a session: the weights grow with the product of neighbouring widths,
   * and a full-batch step holds rows × units activations several times over (forward, backward).
   */
  private static void checkSize(TrainerSetup setup, DataSets.Split data, Limits limits) {
    long parameters = 0;
    long units = 0;
    int in = data.inputs();
    for (int width : setup.hidden()) {
      parameters += (long) (in + 1) * width;
      units += width;
      in = width;
    }
    parameters += (long) (in + 1) * data.outputs();
    if (parameters > limits.parameters()) {
      throw ApiError.tooLarge("sessions: a network of hidden widths " + setup.hidden() + " has " + parameters
          + " weights and biases; the playground trains at most " + limits.parameters());
    }
    long rows = data.train().inputs().shapeRef()[0];
    if (rows * units > limits.activations()) {
      throw ApiError.tooLarge("sessions: " + rows + " training rows through " + units + " hidden units make "
          + rows * units + " activations a step; the playground allows at most " + limits.activations()
          + " (fewer rows or narrower layers)");
    }
  }

  private void reset() {
    int[] sizes = new int[setup.hidden().size() + 2];
    sizes[0] = data.inputs();
    for (int i = 0; i < setup.hidden().size(); i++) {
      sizes[i + 1] = setup.hidden().get(i);
    }
    sizes[sizes.length - 1] = data.outputs();
    Mlp mlp = Mlp.of(sizes).activation(setup::hiddenActivation).seed(setup.seed());
    if (!setup.output().equals("identity")) {
      mlp.outputActivation(() -> Activation.named(setup.output()));
    }
    model = mlp.build();
    linears = new ArrayList<>();
    for (Module m : model.children().values()) {
      if (m instanceof Linear l) {
        linears.add(l);
      }
    }
    initialise();
    lr = setup.lr();
    optimizer = setup.optimizerFor(model);
    step = 0;
    error = null;
    playing = false;
    target = -1;
    lastLoss = evaluate(data.train());
    lastTest = data.test() == null ? Double.NaN : evaluate(data.test());
    history.clear();
    trajectory.clear();
    health.clear();
    lastHealth = null;
    history.add(0, lastLoss, lastTest);
    trajectory.add(trackedRow());
    publish();
  }

  private void initialise() {
    switch (setup.init()) {
      case "zeros" -> model.parameters().forEach(p -> Arrays.fill(p.data(), 0));
      case "ones" -> model.parameters().forEach(p -> Arrays.fill(p.data(), 1));
      case "twins" -> twins();
      case "heaton" -> heaton(new double[][] {{-0.07, 0.22}, {0.95, 0.46}}, new double[] {-0.46, 0.10},
          new double[] {-0.22, 0.58});
      case "heaton-twins" -> heaton(new double[][] {{0.95, 0.46}, {0.95, 0.46}}, new double[] {0.10, 0.10},
          new double[] {0.58, 0.58});
      default -> { } // "seed": as Mlp drew them
    }
  }

  /** Every hidden unit a copy of the first: same incoming weights and bias, same outgoing weights. */
  private void twins() {
    for (int k = 0; k < linears.size(); k++) {
      Linear l = linears.get(k);
      double[] w = l.weight().data();
      int in = l.in();
      int out = l.out();
      if (k < linears.size() - 1) {
        for (int r = 1; r < out; r++) {
          System.arraycopy(w, 0, w, r * in, in);
        }
        double[] b = l.bias().data();
        Arrays.fill(b, b[0]);
      }
      if (k > 0) {
        for (int r = 0; r < out; r++) {
          Arrays.fill(w, r * in, (r + 1) * in, w[r * in]);
        }
      }
    }
  }

  /** Heaton's 2-2-1 network with the given hidden weights (the gallery's node-gradients and symmetry demos). */
  private void heaton(double[][] hidden, double[] hiddenBias, double[] outWeights) {
    if (linears.size() != 2 || linears.get(0).in() != 2 || linears.get(0).out() != 2 || linears.get(1).out() != 1) {
      throw ApiError.badRequest("sessions: init '" + setup.init() + "' is Heaton's 2-2-1 network: it needs two inputs, "
          + "hidden [2] and one target, not " + describeSizes());
    }
    System.arraycopy(Tensor.of(hidden).data(), 0, linears.get(0).weight().data(), 0, 4);
    System.arraycopy(hiddenBias, 0, linears.get(0).bias().data(), 0, 2);
    System.arraycopy(outWeights, 0, linears.get(1).weight().data(), 0, 2);
    linears.get(1).bias().data()[0] = 0.78;
  }

  private String describeSizes() {
    StringBuilder sb = new StringBuilder().append(linears.get(0).in());
    for (Linear l : linears) {
      sb.append('-').append(l.out());
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- training

  @SuppressWarnings("try")
  private double evaluate(Dataset d) {
    try (var scope = Tensor.noGrad()) {
      return loss.compute(model.forward(d.inputs()), d.targets()).item();
    }
  }

  /** One full-batch step; a non-finite loss or gradient stops the run and names where it started. */
  private void trainStep() {
    optimizer.zeroGrad();
    Tensor out = loss.compute(model.forward(data.train().inputs()), data.train().targets()).named("loss");
    double value = out.item();
    if (!Double.isFinite(value)) {
      stop("diverged at step " + (step + 1) + ": the loss is " + value + firstNonFinite(out));
      return;
    }
    Backward.from(out).run();
    for (Parameter p : model.parameters()) {
      for (double g : p.grad().data()) {
        if (!Double.isFinite(g)) {
          stop("diverged at step " + (step + 1) + ": the gradient of " + p.name() + " holds " + g
              + " (loss " + value + "); lower the learning rate");
          return;
        }
      }
    }
    // The library's reading of the gradients: per layer (hidden.weight and hidden.bias form layer
    // hidden), the L2 norm, vanishing against the largest, and growth with depth.
    Map<String, double[]> grads = new LinkedHashMap<>();
    for (Parameter p : model.parameters()) {
      grads.put(p.name(), p.grad().data());
    }
    lastHealth = GradientHealth.ofNamed(grads, VANISHING_RATIO, GROWTH_LIMIT);
    double[] norms = new double[lastHealth.layers().size() + 1];
    norms[0] = step + 1;
    for (int k = 0; k < lastHealth.layers().size(); k++) {
      norms[k + 1] = lastHealth.layers().get(k).norm();
    }
    optimizer.step();
    step++;
    lastLoss = value;
    lastTest = data.test() == null ? Double.NaN : evaluate(data.test());
    history.add(step, value, lastTest);
    trajectory.add(trackedRow());
    health.add(norms);
  }

  /** The first node, in graph order, whose value is not finite: where the overflow began. */
  private static String firstNonFinite(Tensor out) {
    for (Tensor t : TensorGraph.of(out).nodes()) {
      for (double v : t.data()) {
        if (!Double.isFinite(v)) {
          return "; the first non-finite node is " + t.label() + (t.op() == null ? "" : " (" + t.op().label() + ")")
              + "; lower the learning rate";
        }
      }
    }
    return "";
  }

  private void stop(String why) {
    error = why;
    playing = false;
    target = -1;
  }

  /** Step, then the tracked parameters' values and gradients: the trajectory row. */
  private double[] trackedRow() {
    List<double[]> values = new ArrayList<>();
    List<double[]> grads = new ArrayList<>();
    for (Parameter p : model.parameters()) {
      values.add(p.data());
      grads.add(p.hasGrad() ? p.grad().data() : null);
    }
    int n = trackedCount();
    double[] row = new double[1 + 2 * n];
    row[0] = step;
    int i = 0;
    for (int p = 0; p < values.size() && i < n; p++) {
      for (int e = 0; e < values.get(p).length && i < n; e++, i++) {
        row[1 + i] = values.get(p)[e];
        row[1 + n + i] = grads.get(p) == null ? Double.NaN : grads.get(p)[e];
      }
    }
    return row;
  }

  private int trackedCount() {
    int n = 0;
    for (Parameter p : model.parameters()) {
      n += p.size();
    }
    return Math.min(TRACKED, n);
  }

  private List<String> trackedNames() {
    List<String> names = new ArrayList<>();
    for (Parameter p : model.parameters()) {
      int[] shape = p.shape();
      for (int e = 0; e < p.size() && names.size() < TRACKED; e++) {
        names.add(p.name() + (shape.length == 2 ? "[" + e / shape[1] + "," + e % shape[1] + "]" : "[" + e + "]"));
      }
    }
    return names;
  }

  /** Runs on the shared scheduler every few milliseconds while playing: a bounded slice of steps. */
  private void tick() {
    synchronized (this) {
      if (!playing || closed) {
        return;
      }
      long now = System.nanoTime();
      // A "run" of N steps (a reloaded URL catching up) goes at the limit; playing goes at the chosen speed.
      int rate = target >= 0 ? limits.stepsPerSecond() : speed;
      credit = Math.min(credit + rate * (now - lastTick) / 1e9, Math.max(1, rate / 10.0));
      lastTick = now;
      int n = (int) credit;
      if (target >= 0) {
        n = (int) Math.min(n, target - step);
      }
      credit -= n;
      for (int i = 0; i < n && error == null && System.nanoTime() - now < SLICE_NANOS; i++) {
        trainStep();
      }
      if (target >= 0 && step >= target) {
        playing = false;
        target = -1;
      }
      if (n > 0 || !playing) {
        publish();
      }
      if (!playing && ticking != null) {
        ticking.cancel(false);
        ticking = null;
      }
    }
  }

  private void startTicking() {
    playing = true;
    lastTick = System.nanoTime();
    credit = 1;
    if (ticking == null) {
      ticking = trainers.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  // ---------------------------------------------------------------- the page's controls

  /** {@code {"action": "step" | "run" | "play" | "pause" | "reset" | "set", "steps", "lr", "speed"}}. */
  String control(byte[] body) {
    ObjectNode req = Requests.object(body, "control", CONTROL_FIELDS);
    String action = Requests.string(req, "control", "action", 20);
    touch();
    synchronized (this) {
      if (req.hasNonNull("lr")) {
        double v = Requests.number(req.get("lr"), "control", "field 'lr'");
        TrainerSetup.checkLr(v, "control");
        lr = v;
        optimizer.setLr(v);
      }
      if (req.hasNonNull("speed")) {
        speed = Requests.optionalInt(req, "control", "speed", speed, 1, limits.stepsPerSecond());
      }
      switch (action) {
        case "step" -> {
          if (error == null) {
            trainStep();
          }
        }
        case "run" -> {
          int n = Requests.optionalInt(req, "control", "steps", 1, 1, limits.stepsPerRequest());
          if (error == null) {
            target = step + n;
            startTicking();
          }
        }
        case "play" -> {
          if (error == null) {
            target = -1;
            startTicking();
          }
        }
        case "pause" -> {
          playing = false;
          target = -1;
        }
        case "reset" -> reset();
        case "set" -> { }
        default -> throw ApiError.badRequest("control: action '" + action + "' is not one of step, run, play, pause, "
            + "reset, set");
      }
      publish();
      return frame().json();
    }
  }

  // ---------------------------------------------------------------- frames

  record Frame(long seq, String json) {}

  /** The frame of the current version, built now if it is out of date. */
  Frame latestFrame() {
    touch();
    return frame();
  }

  private synchronized Frame frame() {
    if (built == null || built.seq() != version) {
      built = new Frame(version, frameJson(version));
    }
    return built;
  }

  /** Waits up to {@code nanos} for a version newer than {@code seq}. */
  void awaitFrameAfter(long seq, long nanos) throws InterruptedException {
    synchronized (frames) {
      if (version == seq && !closed) {
        TimeUnit.NANOSECONDS.timedWait(frames, nanos);
      }
    }
  }

  /** Something a frame shows changed: wake the streams. */
  private void publish() {
    synchronized (frames) {
      version++;
      frames.notifyAll();
    }
  }

  @SuppressWarnings("try")
  private String frameJson(long seq) {
    ObjectNode f = Requests.JSON.createObjectNode();
    f.put("id", id);
    f.put("seq", seq);
    f.put("step", step);
    f.put("playing", playing);
    f.put("speed", speed);
    f.put("lr", lr);
    putNumber(f, "loss", lastLoss);
    putNumber(f, "testLoss", lastTest);
    if (error != null) {
      f.put("error", error);
    }
    f.put("data", data.description());
    f.put("sizes", describeSizes());
    f.set("setup", setup.json());
    ObjectNode h = f.putObject("history");
    history.column(0, h.putArray("step"));
    history.column(1, h.putArray("train"));
    history.column(2, h.putArray("test"));

    ArrayNode layers = f.putArray("layers");
    for (int k = 0; k < linears.size(); k++) {
      Linear l = linears.get(k);
      ObjectNode o = layers.addObject().put("name", model.children().entrySet().stream()
          .filter(e -> e.getValue() == l).findFirst().map(Map.Entry::getKey).orElse("?")).put("in", l.in()).put("out", l.out());
      rows(o.putArray("weight"), l.weight().data(), l.out(), l.in());
      rows(o.putArray("grad"), l.weight().hasGrad() ? l.weight().grad().data() : null, l.out(), l.in());
      numbers(o.putArray("bias"), l.bias().data());
      numbers(o.putArray("biasGrad"), l.bias().hasGrad() ? l.bias().grad().data() : new double[l.out()]);
    }

    ObjectNode t = f.putObject("trajectory");
    ArrayNode names = t.putArray("names");
    trackedNames().forEach(names::add);
    int n = trackedCount();
    trajectory.column(0, t.putArray("step"));
    ArrayNode values = t.putArray("values");
    ArrayNode grads = t.putArray("grads");
    for (int i = 0; i < n; i++) {
      trajectory.column(1 + i, values.addArray());
      trajectory.column(1 + n + i, grads.addArray());
    }

    ObjectNode hl = f.putObject("health");
    health.column(0, hl.putArray("step"));
    ArrayNode norms = hl.putArray("norms");
    for (int k = 0; k < linears.size(); k++) {
      health.column(k + 1, norms.addArray());
    }
    try (var scope = Tensor.noGrad()) {
      healthNow(hl);
      if (data.inputs() == 1 && data.outputs() == 1) {
        oneInput(f.putObject("view1d"));
      } else if (data.inputs() == 2) {
        twoInputs(f.putObject("view2d"));
      }
    }
    return f.toString();
  }

  /** Dead units now (a ReLU unit that outputs 0 on every training row), and a verdict per layer. */
  private void healthNow(ObjectNode hl) {
    ArrayNode dead = hl.putArray("dead");
    ArrayNode verdicts = hl.putArray("verdicts");
    Tensor x = data.train().inputs();
    List<Module> modules = new ArrayList<>(model.children().values());
    for (int i = 0; i < modules.size(); i++) {
      x = modules.get(i).forward(x);
      if (modules.get(i) instanceof Activation && i < modules.size() - 1) {
        int units = x.shapeRef()[1];
        int rows = x.shapeRef()[0];
        int count = 0;
        for (int u = 0; u < units; u++) {
          boolean alive = false;
          for (int r = 0; r < rows && !alive; r++) {
            alive = x.data()[r * units + u] != 0;
          }
          count += alive ? 0 : 1;
        }
        dead.add(count);
      }
    }
    // Vanishing per layer and growth with depth are GradientHealth's verdicts; dead units are not a
    // gradient norm (a unit whose activation is 0 on every row), so they are counted above.
    ArrayNode flags = hl.putArray("flags");
    if (lastHealth == null) {
      linears.forEach(l -> verdicts.add("no gradient yet"));
      return;
    }
    lastHealth.flags().forEach(flags::add);
    putNumber(hl, "growthPerLayer", lastHealth.growthPerLayer());
    for (GradientHealth.Layer l : lastHealth.layers()) {
      verdicts.add(l.vanishing()
          ? "vanishing (|grad| " + number(l.norm()) + ", " + number(l.relative()) + " of the largest)"
          : "|grad| " + number(l.norm()) + (l.relative() == 1 ? ", the largest" : ", " + number(l.relative()) + " of the largest"));
    }
  }

  private static String number(double v) {
    return io.github.chainrule.autodiff.Format.number(v);
  }

  /** One input: the data, the fit, and each hidden unit's weighted piece w·act(a·x + b) with its kink. */
  private void oneInput(ObjectNode v) {
    double[] xs = data.train().inputs().data();
    double lo = Arrays.stream(xs).min().orElse(0);
    double hi = Arrays.stream(xs).max().orElse(1);
    double pad = (hi - lo) * 0.1 + 1e-9;
    lo -= pad;
    hi += pad;
    int n = 120;
    double[] grid = new double[n];
    for (int i = 0; i < n; i++) {
      grid[i] = lo + (hi - lo) * i / (n - 1);
    }
    Tensor g = Tensor.of(grid, n, 1);
    numbers(v.putArray("x"), grid);
    numbers(v.putArray("fit"), model.forward(g).data());
    numbers(v.putArray("dataX"), xs);
    numbers(v.putArray("dataY"), data.train().targets().data());
    if (data.test() != null) {
      numbers(v.putArray("testX"), data.test().inputs().data());
      numbers(v.putArray("testY"), data.test().targets().data());
    }
    if (linears.size() == 2) {
      Linear first = linears.get(0);
      Linear second = linears.get(1);
      Tensor hidden = setup.hiddenActivation().forward(first.forward(g));
      ArrayNode pieces = v.putArray("pieces");
      ArrayNode kinks = v.putArray("kinks");
      int units = first.out();
      // Every kink, but the pieces of the PIECES largest units only (largest |piece| on the grid):
      // 1024 pieces of 120 points would be 2.4 MB a frame, and a chart of 1024 curves shows none.
      double[] size = new double[units];
      for (int u = 0; u < units; u++) {
        double w = second.weight().data()[u];
        for (int i = 0; i < n; i++) {
          size[u] = Math.max(size[u], Math.abs(w * hidden.data()[i * units + u]));
        }
      }
      Integer[] order = new Integer[units];
      Arrays.setAll(order, u -> u);
      Arrays.sort(order, (p, q) -> Double.compare(size[q], size[p]));
      boolean[] drawn = new boolean[units];
      for (int r = 0; r < Math.min(PIECES, units); r++) {
        drawn[order[r]] = true;
      }
      ArrayNode pieceUnits = v.putArray("pieceUnits");
      v.put("units", units);
      boolean kinked = kinkAtZero(setup.hiddenActivation());
      for (int u = 0; u < units; u++) {
        if (drawn[u]) {
          double w = second.weight().data()[u];
          double[] piece = new double[n];
          for (int i = 0; i < n; i++) {
            piece[i] = w * hidden.data()[i * units + u];
          }
          numbers(pieces.addArray(), piece);
          pieceUnits.add(u);
        }
        double a = first.weight().data()[u];
        double b = first.bias().data()[u];
        if (kinked && a != 0) {
          kinks.add(-b / a);
        } else {
          kinks.addNull();
        }
      }
    }
  }

  /**
   * Whether the activation has a kink where its input is 0, so each unit bends at x = -b/a. Asked of
   * the activation's own op, so a new kinked activation needs nothing here.
   */
  private static boolean kinkAtZero(Activation activation) {
    // Recorded even where the caller runs under no-grad: the op is only there on a recorded node.
    try (GradMode.Scope recording = GradMode.enabled()) {
      Tensor y = activation.forward(Tensor.scalar(0.0).requiresGrad());
      return y.op() != null && !y.op().kinks(y.inputs().toArray(new Tensor[0]), y).isEmpty();
    }
  }

  /** Two inputs: the output over a grid (the decision boundary) and each first-layer unit's heatmap. */
  private void twoInputs(ObjectNode v) {
    double[] in = data.train().inputs().data();
    double[] ext = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
    for (int r = 0; r < in.length / 2; r++) {
      ext[0] = Math.min(ext[0], in[2 * r]);
      ext[1] = Math.max(ext[1], in[2 * r]);
      ext[2] = Math.min(ext[2], in[2 * r + 1]);
      ext[3] = Math.max(ext[3], in[2 * r + 1]);
    }
    double px = (ext[1] - ext[0]) * 0.15 + 0.1;
    double py = (ext[3] - ext[2]) * 0.15 + 0.1;
    ext[0] -= px;
    ext[1] += px;
    ext[2] -= py;
    ext[3] += py;
    double[] grid = new double[GRID * GRID * 2];
    for (int r = 0; r < GRID; r++) {
      for (int c = 0; c < GRID; c++) {
        grid[2 * (r * GRID + c)] = ext[0] + (ext[1] - ext[0]) * (c + 0.5) / GRID;
        grid[2 * (r * GRID + c) + 1] = ext[3] - (ext[3] - ext[2]) * (r + 0.5) / GRID;
      }
    }
    Tensor g = Tensor.of(grid, GRID * GRID, 2);
    v.put("grid", GRID);
    numbers(v.putArray("extent"), ext);
    Tensor out = model.forward(g);
    double[] o = out.data();
    if (data.outputs() > 1) {
      o = Arrays.copyOf(o, 0);
    }
    numbers(v.putArray("output"), o.length == GRID * GRID ? o : new double[0]);
    Tensor hidden = setup.hiddenActivation().forward(linears.get(0).forward(g));
    int units = Math.min(16, linears.get(0).out());
    ArrayNode maps = v.putArray("hidden");
    for (int u = 0; u < units; u++) {
      double[] m = new double[GRID * GRID];
      for (int i = 0; i < m.length; i++) {
        m[i] = hidden.data()[i * linears.get(0).out() + u];
      }
      numbers(maps.addArray(), m);
    }
    numbers(v.putArray("points"), in);
    numbers(v.putArray("labels"), data.train().targets().data());
  }

  private static void rows(ArrayNode out, double[] v, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      ArrayNode row = out.addArray();
      for (int c = 0; c < cols; c++) {
        if (v == null) {
          row.add(0.0);
        } else {
          add(row, v[r * cols + c]);
        }
      }
    }
  }

  private static void numbers(ArrayNode out, double[] v) {
    for (double x : v) {
      add(out, x);
    }
  }

  private static void add(ArrayNode out, double v) {
    if (Double.isFinite(v)) {
      out.add(v);
    } else {
      out.addNull();
    }
  }

  private static void putNumber(ObjectNode o, String field, double v) {
    if (Double.isFinite(v)) {
      o.put(field, v);
    } else {
      o.putNull(field);
    }
  }

  // ---------------------------------------------------------------- exports

  /** A download: the graph of one sample as DOT or SVG, the weights, the trajectory, or a report. */
  Export export(String kind) {
    touch();
    synchronized (this) {
      return switch (kind) {
        case "dot" -> new Export("sample-graph.dot", "text/vnd.graphviz; charset=utf-8", sampleDot().getBytes(StandardCharsets.UTF_8));
        case "svg" -> new Export("sample-graph.svg", "image/svg+xml", GraphSvg.render(sampleDot()).getBytes(StandardCharsets.UTF_8));
        case "weights" -> new Export("weights.safetensors", "application/octet-stream",
            Safetensors.encode(model.stateDict(), Safetensors.DType.F64, Map.of("step", Long.toString(step),
                "setup", setup.json().toString())));
        case "trajectory" -> new Export("trajectory.csv", "text/csv; charset=utf-8", trajectoryCsv().getBytes(StandardCharsets.UTF_8));
        case "report" -> new Export("report.html", "text/html; charset=utf-8", report().getBytes(StandardCharsets.UTF_8));
        default -> throw ApiError.notFound("export: no export '" + kind + "' (dot, svg, weights, trajectory, report)");
      };
    }
  }

  /** The full graph of the first training row's computation at the current weights, after its backward pass. */
  @SuppressWarnings("try")
  private String sampleDot() {
    Tensor x = data.train().inputs().slice(0, 0, 1).named("x");
    Tensor y = data.train().targets().slice(0, 0, 1).named("y");
    model.zeroGrad();
    Tensor out = loss.compute(model.forward(x), y).named("loss");
    out.backward();
    String dot = DotExporter.toDot(out, DotOptions.defaults().withEdgeLabels(true)
        .withTitle("one sample (row 0) at step " + step));
    model.zeroGrad();
    return dot;
  }

  private String trajectoryCsv() {
    StringBuilder sb = new StringBuilder("step,train_loss,test_loss");
    List<String> names = trackedNames();
    names.forEach(n -> sb.append(',').append(n));
    names.forEach(n -> sb.append(",grad ").append(n));
    sb.append('\n');
    // The loss history and the trajectory are recorded at the same steps.
    for (int i = 0; i < Math.min(history.size(), trajectory.size()); i++) {
      double[] h = history.row(i);
      double[] t = trajectory.row(i);
      sb.append((long) h[0]).append(',').append(csv(h[1])).append(',').append(csv(h[2]));
      for (int c = 1; c < t.length; c++) {
        sb.append(',').append(csv(t[c]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String csv(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  private String report() {
    HtmlReport r = HtmlReport.titled("chainrule playground: " + describeSizes() + " on " + setup.data());
    r.paragraph(String.format(Locale.ROOT, "Network %s, %s hidden units, output %s; data: %s; loss %s; optimizer %s "
        + "(learning rate %s); initialisation %s (seed %d). Step %d: training loss %s%s.", describeSizes(),
        setup.activation(), setup.output(), data.description(), setup.loss(), setup.optimizer(), lr, setup.init(),
        setup.seed(), step, lastLoss, Double.isNaN(lastTest) ? "" : ", test loss " + lastTest));
    if (error != null) {
      r.paragraph(error);
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < history.size(); i += Math.max(1, history.size() / 40)) {
      double[] h = history.row(i);
      rows.add(List.of(Long.toString((long) h[0]), Double.toString(h[1]), Double.isNaN(h[2]) ? "" : Double.toString(h[2])));
    }
    r.table("Loss per step (a sample of the recorded steps)", List.of("step", "train loss", "test loss"), rows);
    Map<String, Tensor> params = new LinkedHashMap<>();
    model.parameters().forEach(p -> params.put(p.name(), p.tensor()));
    r.parameters("Parameters at step " + step, params);
    try {
      r.graphSvg("One sample's computation at step " + step, GraphSvg.render(sampleDot()), true);
    } catch (ApiError e) {
      r.paragraph("The graph is missing: " + e.getMessage());
    }
    return r.toHtml();
  }

  // ---------------------------------------------------------------- life cycle

  void touch() {
    lastTouched = System.nanoTime();
  }

  long idleNanos() {
    return System.nanoTime() - lastTouched;
  }

  boolean isClosed() {
    return closed;
  }

  void close() {
    closed = true;
    synchronized (this) {
      playing = false;
      if (ticking != null) {
        ticking.cancel(false);
        ticking = null;
      }
    }
    synchronized (frames) {
      frames.notifyAll();
    }
  }
}
