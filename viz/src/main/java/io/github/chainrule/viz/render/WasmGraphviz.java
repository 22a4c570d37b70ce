package io.github.chainrule.viz.render;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.Import;
import io.github.chainrule.viz.render.wasm.GraphvizModule;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One instance of Graphviz compiled to WebAssembly (viz-js's build, turned into JVM classes by
 * Chicory's build-time compiler), driven through the C API the viz-js wrapper uses. Not
 * thread-safe: {@link EmbeddedEngine} hands each instance to one thread at a time.
 *
 * <p>The module's import and export names are minified by Emscripten and change between viz-js
 * versions; they are bound here for the version pinned (with its checksum) in viz/pom.xml.
 */
final class WasmGraphviz {
  /** Graphviz failed or gave up inside the module; {@link #messages} holds what it said. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<String> messages;
    /** True when the instance may be inconsistent (exit, abort, trap) and must not be reused. */
    final boolean fatal;

    Failure(String message, List<String> messages, boolean fatal, Throwable cause) {
      super(message, cause);
      this.messages = List.copyOf(messages);
      this.fatal = fatal;
    }
  }

  /** What a successful rendering returns: the output and Graphviz's warnings. */
  record Output(String text, List<String> warnings) {}

  /** exit() or abort() inside the module: unwinds out of it, as the JavaScript glue does with a throw. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop(String what) {
      super(what, null, false, false);
    }
  }

  // Exports of viz-js 3.29.0's module (its assignWasmExports).
  private static final String CALL_CTORS = "A";
  private static final String SET_Y_INVERT = "B";
  private static final String SET_REDUCE = "C";
  private static final String GRAPHVIZ_VERSION = "D";
  private static final String FREE = "E";
  private static final String MALLOC = "F";
  private static final String READ_ONE_GRAPH = "I";
  private static final String FREE_GRAPH = "U";
  private static final String CREATE_CONTEXT = "V";
  private static final String FREE_CONTEXT = "W";
  private static final String LAYOUT = "X";
  private static final String FREE_LAYOUT = "Y";
  private static final String RESET_ERRORS = "Z";
  private static final String RENDER = "_";

  /** The wasm heap may grow to this; a graph needing more is far beyond what lays out in time. */
  private static final long MAX_HEAP_BYTES = 512L << 20;

  // Emscripten's errno values, which its syscalls return negated and WASI's fd_* calls as they are.
  private static final int EBADF = 8;
  private static final int ENOENT = 44;
  private static final int ENOTTY = 59;

  private static final class ModuleHolder {
    static final WasmModule MODULE = GraphvizModule.load();
  }

  private final Instance instance;
  private final Memory memory;
  private final List<String> agerr = new ArrayList<>();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  // Graphviz asks for random bytes (hash seeds): a fixed sequence keeps its output the same run to run.
  private SplittableRandom random = new SplittableRandom(0);

  WasmGraphviz() {
    WasmModule module = ModuleHolder.MODULE;
    List<HostFunction> functions = new ArrayList<>();
    for (int i = 0; i < module.importSection().importCount(); i++) {
      Import imp = module.importSection().getImport(i);
      if (!(imp instanceof FunctionImport f)) {
        throw new IllegalStateException("graphviz: the embedded module imports a " + imp.importType() + ", not a function: " + imp);
      }
      String name = f.name();
      functions.add(new HostFunction(f.module(), name, module.typeSection().getType(f.typeIndex()),
          (inst, args) -> host(name, args)));
    }
    this.instance = Instance.builder(module)
        .withMachineFactory(GraphvizModule::create)
        .withImportValues(ImportValues.builder().withFunctions(new ArrayList<>(functions)).build())
        .build();
    this.memory = instance.memory();
    call(CALL_CTORS);
  }

  /** The Graphviz version compiled into the module, such as "15.1.1". */
  String version() {
    return memory.readCString(call(GRAPHVIZ_VERSION), StandardCharsets.UTF_8);
  }

  /**
   * Lays {@code dot} out with the dot engine and renders it in {@code format} ("svg").
   *
   * @throws Failure when Graphviz rejects the text or stops
   */
  Output render(String dot, String format) {
    agerr.clear();
    stderr.reset();
    random = new SplittableRandom(0);
    int graph = 0;
    int context = 0;
    boolean laidOut = false;
    boolean consistent = false;
    try {
      int source = cString(dot);
      try {
        graph = call(READ_ONE_GRAPH, source);
      } finally {
        call(FREE, source);
      }
      if (graph == 0) {
        throw failure("Graphviz could not read the DOT text", false, null);
      }
      call(SET_Y_INVERT, 0);
      call(SET_REDUCE, 0);
      context = call(CREATE_CONTEXT);
      call(RESET_ERRORS);
      int engine = cString("dot");
      int status;
      try {
        status = call(LAYOUT, context, graph, engine);
      } finally {
        call(FREE, engine);
      }
      if (status != 0) {
        throw failure("Graphviz could not lay the graph out", false, null);
      }
      laidOut = true;
      int name = cString(format);
      int result;
      try {
        result = call(RENDER, context, graph, name);
      } finally {
        call(FREE, name);
      }
      if (result == 0) {
        throw failure("Graphviz could not render the graph as " + format, false, null);
      }
      String text = memory.readCString(result, StandardCharsets.UTF_8);
      call(FREE, result);
      consistent = true;
      return new Output(text, messages());
    } catch (Failure e) {
      consistent = !e.fatal;
      throw e;
    } catch (Stop e) {
      throw failure("Graphviz stopped (" + e.getMessage() + ")", true, e);
    } catch (ChicoryInterruptedException e) {
      throw failure("interrupted", true, e);
    } catch (RuntimeException e) {
      throw failure("the WebAssembly module failed: " + e, true, e);
    } finally {
      // Only on a consistent instance: after exit() or a trap the module's state is not to be trusted.
      if (consistent) {
        freeQuietly(laidOut, context, graph);
      }
    }
  }

  private void freeQuietly(boolean laidOut, int context, int graph) {
    try {
      if (laidOut) {
        call(FREE_LAYOUT, context, graph);
      }
      if (graph != 0) {
        call(FREE_GRAPH, graph);
      }
      if (context != 0) {
        call(FREE_CONTEXT, context);
      }
    } catch (RuntimeException ignored) {
      // The failure already being reported says more; the caller discards a failed instance.
    }
  }

  private Failure failure(String what, boolean fatal, Throwable cause) {
    return new Failure(what, messages(), fatal, cause);
  }

  /**
   * What Graphviz said: agerr's pieces ("Error", ": ", text) joined into messages, then standard
   * output and error line by line, as the viz-js wrapper collects them.
   */
  private List<String> messages() {
    List<String> out = new ArrayList<>();
    String level = "";
    for (int i = 0; i < agerr.size(); i++) {
      String m = agerr.get(i);
      boolean header = (m.equals("Error") || m.equals("Warning")) && i + 1 < agerr.size() && agerr.get(i + 1).equals(": ");
      if (header) {
        level = m + ": ";
        i++;
      } else if (!m.isBlank()) {
        out.add(m.startsWith(level) ? m.strip() : level + m.strip());
      }
    }
    for (String line : stderr.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        out.add(line.strip());
      }
    }
    return out;
  }

  private int cString(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int p = call(MALLOC, bytes.length + 1);
    if (p == 0) {
      throw new Failure("Graphviz ran out of memory for " + bytes.length + " bytes of input", List.of(), true, null);
    }
    memory.write(p, bytes);
    memory.writeByte(p + bytes.length, (byte) 0);
    return p;
  }

  private int call(String export, long... args) {
    long[] r = instance.export(export).apply(args);
    return r == null || r.length == 0 ? 0 : (int) r[0];
  }

  // ---------------------------------------------------------------- host functions (viz-js's wasmImports)

  private long[] host(String name, long[] a) {
    switch (name) {
      case "p": // viz_errorf(text): one piece of an agerr message
        agerr.add(memory.readCString((int) a[0], StandardCharsets.UTF_8));
        return i32(0);
      case "c": // fd_write(fd, iov, iovcnt, pnum): stdout and stderr are collected; there are no files
        return i32(fdWrite((int) a[0], (int) a[1], (int) a[2], (int) a[3]));
      case "s": // environ_get(environ, buf)
        return i32(environGet((int) a[0], (int) a[1]));
      case "t": // environ_sizes_get(count, size)
        return i32(environSizes((int) a[0], (int) a[1]));
      case "u": // random_get(buf, len)
        return i32(randomGet((int) a[0], (int) a[1]));
      case "k": // emscripten_resize_heap(requested)
        return i32(resizeHeap(a[0] & 0xFFFFFFFFL) ? 1 : 0);
      case "x": // clock_time_get(id, precision, out)
        Instant now = Instant.now();
        memory.writeLong((int) a[2], now.getEpochSecond() * 1_000_000_000L + now.getNano());
        return i32(0);
      case "g": // emscripten_date_now(): milliseconds as a double
        return new long[] {Double.doubleToRawLongBits((double) System.currentTimeMillis())};
      case "o": // _localtime_js(time, tm): UTC
        localtime(a[0], (int) a[1]);
        return null;
      case "q": // _tzset_js(timezone, daylight, std_name, dst_name): UTC
        memory.writeI32((int) a[0], 0);
        memory.writeI32((int) a[1], 0);
        memory.writeCString((int) a[2], "UTC");
        memory.writeCString((int) a[3], "UTC");
        return null;
      case "h": // exit(status)
        throw new Stop("exit(" + a[0] + ")");
      case "i": // _abort_js()
        throw new Stop("abort");
      case "a": // __assert_fail(condition, file, line, function)
        throw new Stop("assertion failed: " + memory.readCString((int) a[0], StandardCharsets.UTF_8) + " at "
            + memory.readCString((int) a[1], StandardCharsets.UTF_8) + ":" + a[2]);
      case "b": // __cxa_throw: a C++ exception, which this build cannot catch
        throw new Stop("C++ exception");
      case "l", "y", "v": // openat, faccessat, newfstatat: no file system
        return i32(-ENOENT);
      case "f", "w", "m", "n": // fcntl64, fstat64, mmap, munmap: no open files
        return i32(-EBADF);
      case "j": // ioctl: not a terminal
        return i32(-ENOTTY);
      case "e", "d", "r": // fd_close, fd_read, fd_seek
        return i32(EBADF);
      default:
        throw new Stop("unknown import a." + name);
    }
  }

  private static long[] i32(int v) {
    return new long[] {v};
  }

  private int fdWrite(int fd, int iov, int iovcnt, int pnum) {
    if (fd != 1 && fd != 2) {
      return EBADF;
    }
    int total = 0;
    for (int i = 0; i < iovcnt; i++) {
      int ptr = memory.readInt(iov + 8 * i);
      int len = memory.readInt(iov + 8 * i + 4);
      stderr.writeBytes(memory.readBytes(ptr, len));
      total += len;
    }
    memory.writeI32(pnum, total);
    return 0;
  }

  // The environment viz-js gives the module in a browser.
  private static final List<String> ENVIRONMENT = List.of("USER=web_user", "LOGNAME=web_user", "PATH=/", "PWD=/",
      "HOME=/home/web_user", "LANG=C.UTF-8", "_=./this.program");

  private int environGet(int environ, int buf) {
    int offset = 0;
    for (int i = 0; i < ENVIRONMENT.size(); i++) {
      byte[] s = ENVIRONMENT.get(i).getBytes(StandardCharsets.UTF_8);
      memory.writeI32(environ + 4 * i, buf + offset);
      memory.write(buf + offset, s);
      memory.writeByte(buf + offset + s.length, (byte) 0);
      offset += s.length + 1;
    }
    return 0;
  }

  private int environSizes(int count, int size) {
    int bytes = 0;
    for (String s : ENVIRONMENT) {
      bytes += s.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    memory.writeI32(count, ENVIRONMENT.size());
    memory.writeI32(size, bytes);
    return 0;
  }

  private int randomGet(int buf, int len) {
    byte[] b = new byte[len];
    random.nextBytes(b);
    memory.write(buf, b);
    return 0;
  }

  private boolean resizeHeap(long requested) {
    long current = (long) memory.pages() * Memory.PAGE_SIZE;
    if (requested > MAX_HEAP_BYTES) {
      return false;
    }
    // Grow by a fifth at least, as Emscripten does, so a growing graph does not copy memory every page.
    long target = Math.min(MAX_HEAP_BYTES, Math.max(requested, current + current / 5));
    int pages = (int) ((target - current + Memory.PAGE_SIZE - 1) / Memory.PAGE_SIZE);
    return pages <= 0 || memory.grow(pages) >= 0;
  }

  private void localtime(long epochSeconds, int tm) {
    ZonedDateTime t = Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC);
    int[] fields = {t.getSecond(), t.getMinute(), t.getHour(), t.getDayOfMonth(), t.getMonthValue() - 1,
        t.getYear() - 1900, t.getDayOfWeek().getValue() % 7, t.getDayOfYear() - 1, 0, 0};
    for (int i = 0; i < fields.length; i++) {
      memory.writeI32(tm + 4 * i, fields[i]);
    }
  }
}
