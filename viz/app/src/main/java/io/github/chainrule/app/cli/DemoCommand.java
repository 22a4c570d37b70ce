package io.github.chainrule.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.chainrule.app.gallery.Demo;
import io.github.chainrule.app.gallery.DemoResult;
import io.github.chainrule.app.gallery.Gallery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chainrule demo [NAME...]}: runs demos of the gallery, each into its own directory. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    header = "The gallery: classic experiments on gradients, each an HTML report.",
    description = {"%nRuns the gallery's demos (all of them when no name is given), each writing an HTML "
        + "report into DIR/<name>/ and printing a short summary with its key numbers. Defaults are embedded "
        + "and seeds fixed: every run gives the same numbers.%n"},
    footer = {"", "Examples:", "  chainrule demo --list", "  chainrule demo", "  chainrule demo node-gradients --out /tmp/demos"})
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  private final List<Demo> gallery;

  DemoCommand() {
    this(Gallery.all());
  }

  /** With other demos than the gallery's, for tests. */
  DemoCommand(List<Demo> gallery) {
    this.gallery = List.copyOf(gallery);
  }

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "Demos to run, in this order (default: all).")
  List<String> names = new ArrayList<>();

  @Option(names = "--out", defaultValue = "out", paramLabel = "DIR", description = "Where the reports go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--list", description = "List the demos and what each shows, and run none.")
  boolean list;

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    List<Demo> all = gallery;
    if (list) {
      if (all.isEmpty()) {
        w.println("no demos are registered in this build");
      }
      int width = all.stream().mapToInt(d -> d.name().length()).max().orElse(0);
      for (Demo d : all) {
        w.printf(Locale.ROOT, "%-" + width + "s  %s%n", d.name(), d.title());
      }
      w.flush();
      return 0;
    }
    List<Demo> chosen = choose(all);
    if (chosen.isEmpty()) {
      w.println("no demos are registered in this build: nothing to run");
      w.flush();
      return 0;
    }
    Outputs.checkDirectory("--out", out);
    List<String> failed = new ArrayList<>();
    for (Demo d : chosen) {
      long start = System.nanoTime();
      DemoResult r;
      try (DemoBar bar = DemoBar.forTerminal(d.name())) {
        r = d.run(out.resolve(d.name()), bar);
      } catch (IllegalArgumentException | IllegalStateException | IOException e) {
        // One demo failing (a missing Graphviz, a full disk) should not keep the others from running.
        PrintWriter err = spec.commandLine().getErr();
        err.println("chainrule demo: " + d.name() + " failed: "
            + (e instanceof IOException ? Main.describe((IOException) e) : e.getMessage()));
        err.flush();
        failed.add(d.name());
        continue;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      w.printf(Locale.ROOT, "== %s: %s (%.1f s)%n", d.name(), d.title(), seconds);
      for (String line : r.summary()) {
        w.println("   " + line);
      }
      if (!r.keyNumbers().isEmpty()) {
        // The summary already quotes the numbers a reader needs; the full set, at full precision,
        // goes to a file for scripts and comparisons rather than a screen-wide line.
        Path numbers = r.report().resolveSibling("key-numbers.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(numbers.toFile(), r.keyNumbers());
        w.println("   key numbers: " + numbers);
      }
      w.println("   report: " + r.report());
      w.flush();
    }
    if (!failed.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("chainrule demo: " + failed.size() + " of " + chosen.size() + " demos failed: " + Names.list(failed));
      err.flush();
      return Main.EXIT_INPUT;
    }
    return 0;
  }

  /** The demos named, in the order named; every demo when none is. Unknown names are an error listing the known ones. */
  private List<Demo> choose(List<Demo> all) {
    if (names.isEmpty()) {
      return all;
    }
    List<String> known = all.stream().map(Demo::name).toList();
    List<Demo> chosen = new ArrayList<>();
    for (String n : names) {
      Demo d = all.stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
      if (d == null) {
        throw new IllegalArgumentException("unknown demo '" + n + "': "
            + (known.isEmpty() ? "no demos are registered in this build" : "the demos are " + Names.list(known))
            + Names.didYouMean(n, known));
      }
      if (!chosen.contains(d)) {
        chosen.add(d);
      }
    }
    return chosen;
  }
}
