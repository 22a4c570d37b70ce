package io.github.chainrule.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chainrule}: the top of the command tree. */
@Command(name = "chainrule", mixinStandardHelpOptions = true, versionProvider = ChainruleCommand.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Reverse-mode automatic differentiation you can see: gradients of expressions, fits of "
        + "expression models to CSV data, and a gallery of classic experiments.%n"},
    subcommands = {GradCommand.class, ExplainCommand.class, FitCommand.class, DemoCommand.class,
        io.github.chainrule.app.serve.ServeCommand.class},
    footer = {"", "Exit codes: 0 done, 1 wrong input (the message says what), 2 wrong command line.",
        "Example: chainrule grad \"x*y + sin(x)\" --at x=2,y=3"})
final class ChainruleCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a command: grad, explain, fit, demo or serve");
  }

  /** The project version, written into a resource by the build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      return new String[] {"chainrule " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }

    static String version() throws IOException {
      Properties p = new Properties();
      try (InputStream in = ChainruleCommand.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "unknown (version.properties is missing from the build)";
        }
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    }
  }
}
