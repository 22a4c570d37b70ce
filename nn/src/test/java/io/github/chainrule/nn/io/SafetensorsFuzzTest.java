package io.github.chainrule.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.io.Safetensors.DType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The safetensors loader fed arbitrary bytes and mutations of valid files. The only acceptable outcomes
 * are the tensors of the file or the documented {@link IllegalArgumentException} naming the file; never
 * another exception type, never a hang (each case runs under a time guard), and never an allocation
 * out of proportion to the file (each case's allocation is measured).
 *
 * <p>Mutations work at two levels: on the JSON header (dtypes, shapes and data_offsets replaced by
 * hostile values, fields removed, entries added, the header replaced or followed by garbage, deep
 * nesting), then on the bytes (the header length overwritten or shifted, truncation, flipped,
 * inserted and deleted bytes, appended garbage). Valid files carry NaN, infinities, -0 and
 * subnormals, which must load bit for bit.
 */
class SafetensorsFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SOURCE = "fuzz";

  /**
   * Allowed allocation per case: a fixed amount for the JSON parser and bookkeeping, plus a multiple
   * of the file's size (its bytes once as a buffer, the header as a tree, F32 widened to double).
   */
  private static final long ALLOCATION_BASE = 4L << 20;
  private static final long ALLOCATION_PER_FILE_BYTE = 64;

  /** A hang guard, far above the microseconds a case takes: not a performance threshold. */
  private static final long CASE_LIMIT_SECONDS = 30;

  private static final AtomicLong ARBITRARY = new AtomicLong();
  private static final AtomicLong PREFIXED = new AtomicLong();
  private static final AtomicLong VALID = new AtomicLong();
  private static final AtomicLong MUTATED = new AtomicLong();
  private static final AtomicLong THROUGH_FILES = new AtomicLong();
  private static final AtomicLong ACCEPTED = new AtomicLong();
  private static final AtomicLong REJECTED = new AtomicLong();
  private static final AtomicLong LARGEST_ALLOCATION = new AtomicLong();
  private static final AtomicLong NANOS = new AtomicLong();

  private static ExecutorService runner = newRunner();

  // ---------------------------------------------------------------- properties

  @Property(tries = 4_000)
  void arbitraryBytesLoadOrAreRejectedCleanly(@ForAll @Size(max = 200) byte[] file) {
    ARBITRARY.incrementAndGet();
    load(file, () -> "arbitrary bytes " + HexFormat.of().formatHex(file));
  }

  @Property(tries = 4_000)
  void arbitraryHeadersBehindAValidLengthLoadOrAreRejectedCleanly(@ForAll @Size(max = 200) byte[] body,
      @ForAll boolean openingBrace) {
    // Random bytes almost never pass the length check; a correct length makes the loader parse them.
    byte[] header = openingBrace ? concat(new byte[] {'{'}, body) : body;
    byte[] file = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(header.length).put(header).array();
    PREFIXED.incrementAndGet();
    load(file, () -> "header bytes " + HexFormat.of().formatHex(header));
  }

  @Property(tries = 10_000)
  void mutatedValidFilesLoadOrAreRejectedCleanly(@ForAll("files") ValidFile valid,
      @ForAll("mutations") List<Mutation> mutations) {
    Map<String, Tensor> intact = load(valid.mutated(List.of()), valid::toString);
    assertTrue(intact != null, () -> "a valid file was rejected: " + valid);
    valid.assertLoadedExactly(intact);
    VALID.incrementAndGet();
    MUTATED.incrementAndGet();
    load(valid.mutated(mutations), () -> valid + " mutated by " + mutations);
  }

  @Property(tries = 400)
  void fileAndMemoryLoadersGiveTheSameOutcome(@ForAll("files") ValidFile valid,
      @ForAll("mutations") List<Mutation> mutations) throws IOException {
    byte[] file = valid.mutated(mutations);
    THROUGH_FILES.incrementAndGet();
    Path path = Files.createTempFile("fuzz", ".safetensors");
    try {
      Files.write(path, file);
      String memory = outcome(() -> Safetensors.decode(file, path.toString()));
      String disk = outcome(() -> Safetensors.load(path));
      assertEquals(memory, disk, () -> valid + " mutated by " + mutations);
      try {
        Safetensors.metadata(path).forEach((k, v) -> assertTrue(k != null && v != null));
      } catch (IllegalArgumentException e) {
        assertTrue(e.getMessage().startsWith("safetensors " + path + ": "), e.getMessage());
      }
    } finally {
      Files.delete(path);
    }
  }

  @AfterContainer
  static void report() {
    long total = ARBITRARY.get() + PREFIXED.get() + VALID.get() + MUTATED.get();
    System.out.printf("safetensors fuzz: %d inputs tried (%d arbitrary byte strings, %d arbitrary headers behind a "
            + "valid length, %d valid files with NaN, infinities and subnormals, each loaded bit for bit, and %d "
            + "mutations of them) in %.1f s of loading: %d loaded, %d rejected with IllegalArgumentException, "
            + "nothing else; largest allocation %d bytes; plus %d files loaded from disk and from memory with the "
            + "same outcome%n",
        total, ARBITRARY.get(), PREFIXED.get(), VALID.get(), MUTATED.get(), NANOS.get() / 1e9, ACCEPTED.get(),
        REJECTED.get(), LARGEST_ALLOCATION.get(), THROUGH_FILES.get());
    runner.shutdownNow();
  }

  // ---------------------------------------------------------------- the bounded, measured load

  /**
   * Decodes {@code file} on the runner thread; returns the tensors, or null when the loader rejected
   * the file with the documented exception. Anything else fails the property with {@code what}.
   */
  private static Map<String, Tensor> load(byte[] file, Supplier<String> what) {
    Future<Object> f = runner.submit(() -> {
      long before = allocatedBytes();
      long start = System.nanoTime();
      Object result;
      try {
        result = Safetensors.decode(file, SOURCE);
      } catch (IllegalArgumentException e) {
        result = e;
      }
      NANOS.addAndGet(System.nanoTime() - start);
      long allocated = allocatedBytes() - before;
      LARGEST_ALLOCATION.accumulateAndGet(allocated, Math::max);
      long allowed = ALLOCATION_BASE + ALLOCATION_PER_FILE_BYTE * file.length;
      if (before >= 0 && allocated > allowed) {
        throw new AssertionError("loading a " + file.length + "-byte file allocated " + allocated
            + " bytes, more than " + allowed);
      }
      return result;
    });
    Object result;
    try {
      result = f.get(CASE_LIMIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      runner.shutdownNow();
      runner = newRunner();
      return fail("no result after " + CASE_LIMIT_SECONDS + " s (a hang?) for " + what.get());
    } catch (ExecutionException e) {
      return fail("the loader threw " + e.getCause() + " for " + what.get(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
    if (result instanceof IllegalArgumentException e) {
      REJECTED.incrementAndGet();
      assertTrue(e.getMessage().startsWith("safetensors " + SOURCE + ": "), () -> "message " + e.getMessage());
      return null;
    }
    ACCEPTED.incrementAndGet();
    @SuppressWarnings("unchecked")
    Map<String, Tensor> tensors = (Map<String, Tensor>) result;
    long bytes = 0;
    for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
      assertNotEquals("__metadata__", t.getKey(), what);
      assertEquals(t.getKey(), t.getValue().name(), what);
      bytes += t.getValue().size() * 4L;
    }
    // Every element occupies at least 4 bytes of the file (F32), so what loads fits in what was read.
    assertTrue(bytes <= file.length, () -> "more values than bytes for " + what.get());
    return tensors;
  }

  @FunctionalInterface
  private interface Loader {
    Map<String, Tensor> load() throws IOException;
  }

  /** The outcome as text: each tensor's name, shape and value bits, or the rejection's message. */
  private static String outcome(Loader loader) throws IOException {
    try {
      return loader.load().entrySet().stream()
          .map(e -> e.getKey() + Shape.format(e.getValue().shapeRef()) + Arrays.stream(e.getValue().data())
              .mapToObj(v -> Long.toHexString(Double.doubleToLongBits(v))).toList())
          .collect(Collectors.joining("; "));
    } catch (IllegalArgumentException e) {
      return "rejected: " + e.getMessage();
    }
  }

  private static long allocatedBytes() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (bean instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
      return sun.getCurrentThreadAllocatedBytes();
    }
    return -1;
  }

  private static ExecutorService newRunner() {
    ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "safetensors-fuzz");
      t.setDaemon(true);
      return t;
    });
    // Loads Jackson and the loader's classes before any allocation is measured.
    ex.submit(() -> {
      try {
        Safetensors.decode(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, '{', '}'}, SOURCE);
      } catch (IllegalArgumentException ignored) {
        // only the warm-up matters
      }
    });
    return ex;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ---------------------------------------------------------------- valid files

  /** One tensor of a valid file; its values come from {@code valueSeed}, a fifth of them special. */
  record TensorSpec(String name, DType dtype, List<Integer> shape, long valueSeed) {
    private static final double[] SPECIAL = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-310, Float.MIN_VALUE};

    int[] dims() {
      return shape.stream().mapToInt(Integer::intValue).toArray();
    }

    double[] values() {
      SplittableRandom rng = new SplittableRandom(valueSeed);
      double[] v = new double[Shape.numel(dims())];
      for (int i = 0; i < v.length; i++) {
        v[i] = rng.nextInt(5) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)] : rng.nextDouble(-1e3, 1e3);
      }
      return v;
    }

    /** What loading must give back: F64 bit for bit, F32 rounded to float and widened exactly. */
    double[] expected() {
      double[] v = values();
      if (dtype == DType.F32) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) v[i];
        }
      }
      return v;
    }

    byte[] bytes() {
      double[] v = values();
      ByteBuffer b = ByteBuffer.allocate(v.length * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
      for (double x : v) {
        if (dtype == DType.F64) {
          b.putDouble(x);
        } else {
          b.putFloat((float) x);
        }
      }
      return b.array();
    }
  }

  /**
   * A file laid out by the specification: tensors in list order in the buffer, header keys in
   * reverse order when {@code keysReversed} (the format allows any order), optional metadata, the
   * header padded with {@code padding} spaces.
   */
  record ValidFile(List<TensorSpec> tensors, boolean keysReversed, boolean withMetadata, int padding) {
    ObjectNode header() {
      ObjectNode h = JSON.createObjectNode();
      if (withMetadata) {
        h.putObject("__metadata__").put("format", "pt").put("note", "fuzz");
      }
      long[] begin = new long[tensors.size() + 1];
      for (int i = 0; i < tensors.size(); i++) {
        TensorSpec t = tensors.get(i);
        begin[i + 1] = begin[i] + (long) Shape.numel(t.dims()) * t.dtype().bytes;
      }
      for (int k = 0; k < tensors.size(); k++) {
        int i = keysReversed ? tensors.size() - 1 - k : k;
        TensorSpec t = tensors.get(i);
        ObjectNode e = h.putObject(t.name());
        e.put("dtype", t.dtype().name());
        ArrayNode shape = e.putArray("shape");
        t.shape().forEach(shape::add);
        e.putArray("data_offsets").add(begin[i]).add(begin[i + 1]);
      }
      return h;
    }

    byte[] buffer() {
      ByteBuffer b = ByteBuffer.allocate(tensors.stream().mapToInt(t -> t.bytes().length).sum());
      tensors.forEach(t -> b.put(t.bytes()));
      return b.array();
    }

    /** The file after the header mutations, then the byte mutations, each in list order. */
    byte[] mutated(List<Mutation> mutations) {
      ObjectNode h = header();
      String text = h.toString();
      for (Mutation m : mutations) {
        if (m instanceof HeaderMutation hm) {
          text = hm.apply(text, tensors.stream().map(TensorSpec::name).toList());
        }
      }
      byte[] json = (text + " ".repeat(padding)).getBytes(StandardCharsets.UTF_8);
      byte[] buffer = buffer();
      byte[] file = ByteBuffer.allocate(8 + json.length + buffer.length).order(ByteOrder.LITTLE_ENDIAN)
          .putLong(json.length).put(json).put(buffer).array();
      for (Mutation m : mutations) {
        if (m instanceof ByteMutation bm) {
          file = bm.apply(file);
        }
      }
      return file;
    }

    void assertLoadedExactly(Map<String, Tensor> loaded) {
      assertEquals(tensors.stream().map(TensorSpec::name).collect(Collectors.toSet()), loaded.keySet());
      // In offset order; empty tensors share an offset with their neighbour, so only the others are ordered.
      assertEquals(tensors.stream().filter(t -> t.values().length > 0).map(TensorSpec::name).toList(),
          loaded.keySet().stream().filter(n -> loaded.get(n).size() > 0).toList(), "offset order");
      for (TensorSpec t : tensors) {
        Tensor got = loaded.get(t.name());
        assertEquals(t.shape(), Arrays.stream(got.shapeRef()).boxed().toList(), t.name());
        double[] want = t.expected();
        for (int i = 0; i < want.length; i++) {
          assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got.data()[i]),
              t.name() + "[" + i + "]: " + want[i] + " loaded as " + got.data()[i]);
        }
      }
    }
  }

  @Provide
  Arbitrary<ValidFile> files() {
    Arbitrary<String> names = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abwxyz._0123456789").ofMinLength(1).ofMaxLength(8),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(6));
    Arbitrary<List<Integer>> shapes = Arbitraries.integers().between(0, 4).list().ofMaxSize(3);
    Arbitrary<TensorSpec> tensor = Combinators.combine(names, Arbitraries.of(DType.class), shapes, Arbitraries.longs())
        .as(TensorSpec::new)
        .filter(t -> !t.name().equals("__metadata__"));
    return Combinators.combine(
        tensor.list().ofMaxSize(4).uniqueElements(TensorSpec::name),
        Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.integers().between(0, 7))
        .as(ValidFile::new);
  }

  // ---------------------------------------------------------------- mutations

  sealed interface Mutation permits HeaderMutation, ByteMutation {}

  /** Changes the header text; {@code names} are the valid file's tensor names, in buffer order. */
  sealed interface HeaderMutation extends Mutation
      permits SetField, RemoveField, SetOffsets, AddEntry, SetMetadata, ReplaceHeader, AppendToHeader, Nest {
    String apply(String header, List<String> names);

    /** Parses, lets {@code change} edit the tensor entry number {@code tensor} (modulo), writes back. */
    static String editEntry(String header, List<String> names, int tensor, java.util.function.Consumer<ObjectNode> change) {
      if (names.isEmpty()) {
        return header;
      }
      try {
        ObjectNode root = (ObjectNode) JSON.readTree(header);
        JsonNode entry = root.get(names.get(Math.floorMod(tensor, names.size())));
        if (entry instanceof ObjectNode e) {
          change.accept(e);
        }
        return root.toString();
      } catch (IOException | ClassCastException e) {
        return header;   // an earlier mutation broke the JSON: nothing to edit
      }
    }
  }

  /** A field of one entry replaced by any JSON value, hostile ones favoured. */
  record SetField(int tensor, String field, String json) implements HeaderMutation {
    public String apply(String header, List<String> names) {
      return HeaderMutation.editEntry(header, names, tensor, e -> {
        try {
          e.set(field, JSON.readTree(json));
        } catch (IOException ex) {
          throw new AssertionError(json, ex);
        }
      });
    }
  }

  record RemoveField(int tensor, String field) implements HeaderMutation {
    public String apply(String header, List<String> names) {
      return HeaderMutation.editEntry(header, names, tensor, e -> e.remove(field));
    }
  }

  /** Offsets moved: out of range, reversed, overlapping a neighbour, past the end, negative. */
  record SetOffsets(int tensor, long begin, long end) implements HeaderMutation {
    public String apply(String header, List<String> names) {
      return HeaderMutation.editEntry(header, names, tensor,
          e -> e.set("data_offsets", JSON.createArrayNode().add(begin).add(end)));
    }
  }

  /** Another entry, under a name that may collide with metadata or be empty. */
  record AddEntry(String name, String json) implements HeaderMutation {
    public String apply(String header, List<String> names) {
      try {
        ObjectNode root = (ObjectNode) JSON.readTree(header);
        root.set(name, JSON.readTree(json));
        return root.toString();
      } catch (IOException | ClassCastException e) {
        return header;
      }
    }
  }

  record SetMetadata(String json) implements HeaderMutation {
    public String apply(String header, List<String> names) {
      return new AddEntry("__metadata__", json).apply(header, names);
    }
  }

  record ReplaceHeader(String text) implements HeaderMutation {
    public String apply(String header, List<String> names) {
      return text;
    }
  }

  /** Garbage after the JSON object, inside the header's length. */
  record AppendToHeader(String text) implements HeaderMutation {
    public String apply(String header, List<String> names) {
      return header + text;
    }
  }

  /** A value nested {@code depth} arrays deep, optionally closed. */
  record Nest(int depth, boolean closed) implements HeaderMutation {
    public String apply(String header, List<String> names) {
      return "{\"n\":" + "[".repeat(depth) + (closed ? "]".repeat(depth) + "}" : "");
    }
  }

  /** Changes the file's bytes. */
  sealed interface ByteMutation extends Mutation
      permits SetHeaderLength, ShiftHeaderLength, Truncate, FlipByte, InsertBytes, DeleteBytes, AppendBytes {
    byte[] apply(byte[] file);
  }

  record SetHeaderLength(long n) implements ByteMutation {
    public byte[] apply(byte[] file) {
      byte[] out = file.length >= 8 ? file.clone() : Arrays.copyOf(file, 8);
      ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
      return out;
    }
  }

  record ShiftHeaderLength(int delta) implements ByteMutation {
    public byte[] apply(byte[] file) {
      if (file.length < 8) {
        return file;
      }
      long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
      return new SetHeaderLength(n + delta).apply(file);
    }
  }

  record Truncate(int keep) implements ByteMutation {
    public byte[] apply(byte[] file) {
      return Arrays.copyOf(file, Math.floorMod(keep, file.length + 1));
    }
  }

  record FlipByte(int position, int xor) implements ByteMutation {
    public byte[] apply(byte[] file) {
      if (file.length == 0) {
        return file;
      }
      byte[] out = file.clone();
      out[Math.floorMod(position, out.length)] ^= (byte) xor;
      return out;
    }
  }

  record InsertBytes(int position, byte[] bytes) implements ByteMutation {
    public byte[] apply(byte[] file) {
      int p = Math.floorMod(position, file.length + 1);
      byte[] out = new byte[file.length + bytes.length];
      System.arraycopy(file, 0, out, 0, p);
      System.arraycopy(bytes, 0, out, p, bytes.length);
      System.arraycopy(file, p, out, p + bytes.length, file.length - p);
      return out;
    }

    @Override
    public String toString() {
      return "InsertBytes[position=" + position + ", bytes=" + HexFormat.of().formatHex(bytes) + "]";
    }
  }

  record DeleteBytes(int position, int count) implements ByteMutation {
    public byte[] apply(byte[] file) {
      int p = Math.floorMod(position, file.length + 1);
      int n = Math.min(count, file.length - p);
      byte[] out = new byte[file.length - n];
      System.arraycopy(file, 0, out, 0, p);
      System.arraycopy(file, p + n, out, p, file.length - p - n);
      return out;
    }
  }

  record AppendBytes(byte[] bytes) implements ByteMutation {
    public byte[] apply(byte[] file) {
      return concat(file, bytes);
    }

    @Override
    public String toString() {
      return "AppendBytes[" + HexFormat.of().formatHex(bytes) + "]";
    }
  }

  /** JSON values chosen to break a loader: wrong types, out-of-range numbers, malformed arrays. */
  private static Arbitrary<String> hostileJson() {
    Arbitrary<String> constants = Arbitraries.of(
        "\"F64\"", "\"F32\"", "\"BF16\"", "\"F16\"", "\"I64\"", "\"U8\"", "\"BOOL\"", "\"f64\"", "\"\"", "\"F64 \"",
        "null", "true", "{}", "[]", "0", "-1", "1.5", "1e400", "-0", "-0.0", "1E2",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
        "[0]", "[0,0]", "[-1,8]", "[8,0]", "[0,9223372036854775807]", "[9223372036854775807,9223372036854775807]",
        "[1,2,3]", "[\"0\",\"8\"]", "[0.0,8.0]", "[0,8.5]", "[null,8]", "[[0],[8]]",
        "[2147483647]", "[2147483648]", "[2147483647,2147483647]", "[2147483647,2147483647,0]",
        "[65536,65536,65536,65536]", "[4294967296]", "[-2]", "[1e3]", "[1.0]", "[[2]]", "[\"2\"]",
        "{\"format\":\"pt\"}", "{\"a\":1}", "{\"a\":{}}", "{\"a\":null}");
    Arbitrary<String> numberArrays = Arbitraries.longs().list().ofMaxSize(4).map(Object::toString)
        .map(s -> s.replace(" ", ""));
    Arbitrary<String> smallArrays = Arbitraries.integers().between(-2, 70).list().ofMaxSize(4).map(Object::toString);
    Arbitrary<String> strings = Arbitraries.strings().ofMaxLength(12).map(s -> JSON.getNodeFactory().textNode(s).toString());
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, constants), net.jqwik.api.Tuple.of(2, numberArrays),
        net.jqwik.api.Tuple.of(2, smallArrays), net.jqwik.api.Tuple.of(1, strings));
  }

  private static Arbitrary<Long> offsets() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-16, 200),
        Arbitraries.of(Long.MIN_VALUE, -1L, (long) Integer.MAX_VALUE, 1L << 32, Long.MAX_VALUE - 7, Long.MAX_VALUE),
        Arbitraries.longs());
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 7);
    Arbitrary<String> field = Arbitraries.of("dtype", "shape", "data_offsets", "extra");
    Arbitrary<String> text = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.strings().withChars("{}[]\":,0123456789-.eEnulltrF64SD_ ").ofMaxLength(60),
        Arbitraries.strings().withChars("{}[]\":,0123456789-.eEnulltrF64SD_ ").ofMaxLength(60).map(s -> "{" + s));
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16);
    Arbitrary<Mutation> header = Arbitraries.oneOf(
        Combinators.combine(index, field, hostileJson()).as(SetField::new),
        Combinators.combine(index, field).as(RemoveField::new),
        Combinators.combine(index, offsets(), offsets()).as(SetOffsets::new),
        Combinators.combine(Arbitraries.of("w", "", "__metadata__", "x.y", "é"), hostileJson()).as(AddEntry::new),
        Combinators.combine(Arbitraries.of("w", "z"),
            Combinators.combine(Arbitraries.of("F64", "F32"), Arbitraries.integers().between(0, 9),
                Arbitraries.longs().between(0, 200), Arbitraries.longs().between(0, 200))
                .as((d, n, b, e) -> "{\"dtype\":\"" + d + "\",\"shape\":[" + n + "],\"data_offsets\":[" + b + "," + e + "]}"))
            .as(AddEntry::new),
        hostileJson().map(SetMetadata::new),
        text.map(ReplaceHeader::new),
        text.map(AppendToHeader::new),
        Combinators.combine(Arbitraries.integers().between(1, 5_000), Arbitraries.of(true, false)).as(Nest::new));
    Arbitrary<Mutation> raw = Arbitraries.oneOf(
        Arbitraries.oneOf(
            Arbitraries.longs(),
            Arbitraries.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE, 0L, 1L, 2L, Safetensors.MAX_HEADER_BYTES,
                Safetensors.MAX_HEADER_BYTES + 1, (long) Integer.MAX_VALUE, 1L << 32),
            Arbitraries.longs().between(0, 400)).map(SetHeaderLength::new),
        Arbitraries.integers().between(-16, 16).map(ShiftHeaderLength::new),
        Arbitraries.integers().map(Truncate::new),
        Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(1, 255)).as(FlipByte::new),
        Combinators.combine(Arbitraries.integers(), bytes).as(InsertBytes::new),
        Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(1, 16)).as(DeleteBytes::new),
        bytes.map(AppendBytes::new));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, header), net.jqwik.api.Tuple.of(2, raw))
        .list().ofMinSize(1).ofMaxSize(3);
  }
}
