package io.github.chainrule.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.io.Safetensors.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;

/**
 * The safetensors loader under Jazzer, a coverage-guided fuzzer: it mutates the bytes of the committed
 * valid files towards branches of the loader and of Jackson's JSON parser that no input has reached
 * yet. {@link SafetensorsFuzzTest} covers the same ground with jqwik's generators and mutations.
 *
 * <p>Every input must either be rejected with the documented {@link IllegalArgumentException} whose
 * message starts with {@code "safetensors <source>: "}, or load tensors that hold no more elements
 * than the file has bytes for (4 per element at least: the loader never allocates beyond the file)
 * and that save and load again to the same names, shapes and bits. Nothing else may happen: no other
 * exception, no OutOfMemoryError, and no input running longer than {@value #CASE_BOUND_SECONDS} s (a
 * hang). The bound is kept here rather than with JUnit's {@code @Timeout}, which Jazzer's fuzzing mode
 * would apply to the whole fuzzing run.
 *
 * <p>A plain {@code mvn verify} replays the committed inputs in
 * {@code src/test/resources/io/github/chainrule/nn/io/SafetensorsJazzerTestInputs/}. To fuzz for
 * real (one target per JVM; the new corpus goes to {@code .cifuzz-corpus/}, findings into the inputs
 * directory, where they then replay as regression cases):
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s mvn -pl nn -am test -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=SafetensorsJazzerTest
 * </pre>
 */
class SafetensorsJazzerTest {
  private static final String SOURCE = "jazzer";

  /**
   * A hang guard, far above the microseconds a case takes: not a performance threshold. Generous
   * because when fuzzing, the first inputs also pay for Jazzer instrumenting every class they load.
   */
  private static final long CASE_BOUND_SECONDS = 60;

  private static ExecutorService worker = newWorker();

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "safetensors-jazzer");
      t.setDaemon(true);  // a hung case must not keep the test JVM alive
      return t;
    });
  }

  @AfterAll
  static void stopWorker() {
    worker.shutdownNow();
  }

  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({"\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F64\"", "\"F32\"",
      "\"F16\"", "[0, 8]", "[]", "{}", "null", "true", "-1", "1e3", "9223372036854775807", "2147483647",
      "18446744073709551616", "\\u0000"})
  void loadsOrIsRejectedCleanly(byte[] file) throws Exception {
    Future<?> outcome = worker.submit(() -> check(file));
    try {
      outcome.get(CASE_BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException hung) {
      outcome.cancel(true);
      worker.shutdownNow();  // the hung thread keeps the old worker: later cases get a fresh one
      worker = newWorker();
      throw new AssertionError("no result within " + CASE_BOUND_SECONDS + " s for: " + hex(file));
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof AssertionError) {
        throw (AssertionError) failed.getCause();
      }
      throw new AssertionError("unexpected " + failed.getCause() + " for: " + hex(file), failed.getCause());
    }
  }

  private static void check(byte[] file) {
    Map<String, Tensor> tensors;
    try {
      tensors = Safetensors.decode(file, SOURCE);
    } catch (IllegalArgumentException rejected) {
      assertTrue(rejected.getMessage().startsWith("safetensors " + SOURCE + ": "),
          () -> "undocumented message: " + rejected.getMessage());
      return;
    }
    long elements = 0;
    for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
      assertEquals(t.getKey(), t.getValue().name());
      elements += t.getValue().size();
    }
    long fileBytes = file.length;
    long loaded = elements;
    assertTrue(4 * loaded <= fileBytes, () -> loaded + " elements loaded from a " + fileBytes + "-byte file");

    // Saved as F64 (exact for F32 too) and loaded again: the same names in the same order, shapes and bits.
    Map<String, Tensor> again = Safetensors.decode(Safetensors.encode(tensors, DType.F64, Map.of()), SOURCE);
    assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(again.keySet()));
    List<Tensor> before = new ArrayList<>(tensors.values());
    List<Tensor> after = new ArrayList<>(again.values());
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i).shape(), after.get(i).shape());
      assertArrayEquals(bits(before.get(i)), bits(after.get(i)), before.get(i).name());
    }
  }

  private static String hex(byte[] file) {
    String all = HexFormat.of().formatHex(file);
    return all.length() <= 400 ? all : all.substring(0, 400) + "... (" + file.length + " bytes)";
  }

  private static long[] bits(Tensor t) {
    double[] values = t.toArray();
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Double.doubleToRawLongBits(values[i]);
    }
    return out;
  }
}
