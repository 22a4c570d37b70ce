package io.github.chainrule.app.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The entry point of the {@code chainrule} command line (run through the {@code ./chainrule}
 * launcher at the top of the repository).
 *
 * <h2>Exit codes</h2>
 * <ul>
 *   <li>0: done;
 *   <li>1: the input was wrong (an expression that does not parse, a variable without a value, a
 *       CSV file that cannot be read, a fit that diverged...), or a file could not be written: one
 *       message on standard error says what and where, without a stack trace;
 *   <li>2: the command line itself was wrong (an unknown option, a missing or malformed value):
 *       the message and a pointer to {@code --help};
 *   <li>70: a bug in chainrule: the stack trace is printed, to be reported.
 * </ul>
 */
public final class Main {
  static final int EXIT_INPUT = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_BUG = 70;

  private Main() {}

  public static void main(String[] args) {
    // UTF-8 whatever the locale: explanations use ε, × and →.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line, writing to {@code out} and {@code err}; returns the exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    return commandLine(out, err).execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new ChainruleCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(false);
    cl.setParameterExceptionHandler(Main::usageError);
    cl.setExecutionExceptionHandler(Main::executionError);
    return cl;
  }

  /** A wrong command line: what is wrong, a suggestion when picocli has one, and where help is. */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    String unknown = unknownOption(cl, args);
    List<String> unmatched = e instanceof UnmatchedArgumentException ? ((UnmatchedArgumentException) e).getUnmatched()
        : List.of();
    if (!cl.getSubcommands().isEmpty() && !unmatched.isEmpty() && !unmatched.get(0).startsWith("-")) {
      Set<String> commands = cl.getSubcommands().keySet();
      err.println(cl.getCommandSpec().qualifiedName() + ": unknown command '" + unmatched.get(0) + "': the commands are "
          + Names.list(commands) + Names.didYouMean(unmatched.get(0), commands));
    } else if (unknown != null && e instanceof MissingParameterException) {
      // picocli reports a required option as missing before an unknown one, but the unknown one is
      // usually the required one mistyped (--targte): the typo is what to fix.
      err.println(cl.getCommandSpec().qualifiedName() + ": unknown option '" + unknown + "'"
          + Names.didYouMean(unknown, cl.getCommandSpec().optionsMap().keySet()));
    } else {
      // picocli 4.7 writes "option option '--at'" in its KEY=VALUE message.
      err.println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage().replace("option option", "option"));
      if (e instanceof UnmatchedArgumentException) {
        UnmatchedArgumentException.printSuggestions(e, err);
      }
    }
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return EXIT_USAGE;
  }

  /** The first argument written as a long option ({@code --name} or {@code --name=value}) that the command does not have. */
  private static String unknownOption(CommandLine cl, String[] args) {
    for (String a : args) {
      String name = a.split("=", 2)[0];
      if (name.startsWith("--") && name.length() > 2 && !cl.getCommandSpec().optionsMap().containsKey(name)) {
        return name;
      }
    }
    return null;
  }

  /**
   * Wrong input found while running: the message alone, as the library's exceptions name what is
   * wrong (the column of a parse error, the CSV line, the parameter). Anything else is a bug.
   */
  private static int executionError(Exception e, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    String command = cl.getCommandSpec().qualifiedName();
    Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
    if (cause instanceof ParameterException) {
      return usageError((ParameterException) cause, parsed.originalArgs().toArray(new String[0]));
    }
    if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
      err.println(command + ": " + cause.getMessage());
    } else if (cause instanceof IOException) {
      err.println(command + ": " + describe((IOException) cause));
    } else {
      err.println(command + ": internal error, please report it with the command line and this trace:");
      e.printStackTrace(err);
      err.flush();
      return EXIT_BUG;
    }
    err.flush();
    return EXIT_INPUT;
  }

  /** NIO's exceptions carry only the path as their message; say what happened to it. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file: " + ((NoSuchFileException) e).getFile();
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + ((AccessDeniedException) e).getFile();
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file is in the way (a directory was expected): " + ((FileAlreadyExistsException) e).getFile();
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
