package io.github.chainrule.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.chainrule.app.gallery.Demo;
import io.github.chainrule.app.gallery.DemoResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code demo} with a gallery of stand-ins: which run, where they write, what is printed. */
class DemoCommandTest {
  @TempDir
  Path dir;

  private final List<String> ran = new ArrayList<>();

  private Demo demo(String name, boolean fails) {
    return new Demo() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String title() {
        return "what " + name + " shows";
      }

      @Override
      public DemoResult run(Path outDir) throws IOException {
        ran.add(name);
        if (fails) {
          throw new IllegalStateException("Graphviz's dot was not found");
        }
        Files.createDirectories(outDir);
        Path report = Files.writeString(outDir.resolve("index.html"), "<html></html>");
        Map<String, Double> numbers = new LinkedHashMap<>();
        numbers.put("loss", 0.25);
        numbers.put("steps", 10.0);
        return new DemoResult(name, report, List.of("first line of " + name, "second line"), numbers);
      }
    };
  }

  private CliRun run(List<Demo> demos, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    CommandLine demo = new CommandLine(new DemoCommand(demos));
    demo.setOut(cl.getOut()).setErr(cl.getErr());
    demo.setParameterExceptionHandler(cl.getParameterExceptionHandler());
    demo.setExecutionExceptionHandler(cl.getExecutionExceptionHandler());
    int code = demo.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Test
  void withoutNamesEveryDemoRunsInOrderIntoItsOwnDirectory() {
    CliRun r = run(List.of(demo("alpha", false), demo("beta", false)), "--out", dir.toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(List.of("alpha", "beta"), ran);
    assertTrue(Files.isRegularFile(dir.resolve("alpha/index.html")));
    assertTrue(Files.isRegularFile(dir.resolve("beta/index.html")));
    assertTrue(r.out().matches("(?s)== alpha: what alpha shows \\(\\d+\\.\\d s\\)\n"
        + "   first line of alpha\n   second line\n"
        + "   key numbers: " + java.util.regex.Pattern.quote(dir.resolve("alpha/key-numbers.json").toString()) + "\n"
        + "   report: " + java.util.regex.Pattern.quote(dir.resolve("alpha/index.html").toString()) + "\n== beta: .*"),
        r.toString());
    assertEquals(Map.of("loss", 0.25, "steps", 10.0), readNumbers(dir.resolve("alpha/key-numbers.json")));
  }

  private static Map<String, Double> readNumbers(Path file) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readValue(file.toFile(),
          new com.fasterxml.jackson.core.type.TypeReference<Map<String, Double>>() {});
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void namedDemosRunInTheOrderNamedOnceEach() {
    CliRun r = run(List.of(demo("alpha", false), demo("beta", false)), "beta", "alpha", "beta", "--out", dir.toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(List.of("beta", "alpha"), ran);
  }

  @Test
  void anUnknownNameRunsNothingAndSuggestsTheNearest() {
    CliRun r = run(List.of(demo("relu-parabola", false), demo("symmetry", false)), "symmetry", "relu-parabol");
    assertEquals(1, r.code(), r.toString());
    assertEquals(List.of(), ran, "nothing runs when a name is wrong");
    assertTrue(r.err().endsWith("demo: unknown demo 'relu-parabol': the demos are relu-parabola and symmetry; "
        + "did you mean 'relu-parabola'?\n"), r.toString());
  }

  @Test
  void aFailingDemoIsReportedAndTheOthersStillRun() {
    CliRun r = run(List.of(demo("alpha", true), demo("beta", false)), "--out", dir.toString());
    assertEquals(1, r.code(), r.toString());
    assertEquals(List.of("alpha", "beta"), ran);
    assertTrue(r.err().contains("chainrule demo: alpha failed: Graphviz's dot was not found"), r.toString());
    assertTrue(r.err().contains("1 of 2 demos failed: alpha"), r.toString());
    assertTrue(r.out().contains("== beta: "), r.toString());
  }

  @Test
  void listNamesEveryDemoWithItsTitle() {
    CliRun r = run(List.of(demo("alpha", false), demo("linear-stack", false)), "--list");
    assertEquals(0, r.code(), r.toString());
    assertEquals("alpha         what alpha shows\nlinear-stack  what linear-stack shows\n", r.out());
    assertEquals(List.of(), ran);
  }
}
