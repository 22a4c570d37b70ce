package io.github.chainrule.app.serve;

import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chainrule serve}: the playground, a local web page to drag weights and watch gradients answer. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    header = "The playground: a local web page where every node's value and gradient answer as you drag.",
    description = {"%nStarts a web server on this machine and prints its address on the first line. The page "
        + "works offline: everything it loads comes from this program. Stop it with Ctrl-C.%n"},
    footer = {"", "Example:", "  chainrule serve --port 8080   then open http://127.0.0.1:8080/"})
public final class ServeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
      description = "The port to listen on (0: any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "The address to bind. Default: ${DEFAULT-VALUE}, reachable from this machine only.")
  String host;

  /** Counted down when the server stops: by Ctrl-C, or by a test. */
  final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port " + port + ": a port is 0..65535 (0 picks a free one)");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--host " + host + ": no such host on this machine (the default is 127.0.0.1)");
    }
    PlaygroundServer server;
    try {
      server = PlaygroundServer.start(address.getHostAddress(), port);
    } catch (BindException e) {
      throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "): choose another --port, or --port 0 for any free one");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("chainrule playground: " + server.address());
    out.flush();
    if (!address.isLoopbackAddress()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("serve: warning: bound to " + host + ", not loopback: anyone who can reach this machine can "
          + "use the playground and its CPU");
      err.flush();
    }
    Thread hook = new Thread(stopped::countDown, "playground-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } finally {
      server.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running, which is how we got here.
      }
    }
    return 0;
  }
}
