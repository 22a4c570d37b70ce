package io.github.chainrule.nn.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.autodiff.Shape;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.module.Module;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights in the safetensors format, readable by PyTorch, NumPy and others through the {@code
 * safetensors} library.
 *
 * <h2>Layout (the format's specification)</h2>
 * <ol>
 *   <li>8 bytes: N, the header length, an unsigned little-endian 64-bit integer;</li>
 *   <li>N bytes: a UTF-8 JSON object starting with '{', possibly padded at the end with spaces. Each
 *       key is a tensor name mapping to {@code {"dtype": "F64", "shape": [2, 3], "data_offsets":
 *       [begin, end]}}; the optional key {@code __metadata__} maps to an object of string values;</li>
 *   <li>the byte buffer: each tensor's values, row-major and little-endian, at [begin, end) counted
 *       from the start of this buffer (not of the file). Tensors are contiguous: sorted by offset,
 *       each begins where the previous ends, the first at 0 and the last at the end of the file.</li>
 * </ol>
 * This writer pads the header with spaces to a multiple of 8 bytes, so the buffer is aligned.
 *
 * <h2>Reading untrusted files</h2>
 * Loading never allocates more than the file holds and never reads past it: the header length is
 * checked against {@value #MAX_HEADER_BYTES} bytes and the file size before the header is read;
 * shapes, dtypes and offsets are validated against each other and the file size before any tensor
 * is read. Every problem is an {@link IllegalArgumentException} naming the file and the tensor.
 * F64 values load exactly; F32 values widen exactly to double; F32 saves round to nearest float.
 */
public final class Safetensors {
  /** The reference implementation's limit on the header length. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final String METADATA = "__metadata__";
  // Trailing tokens: the header is one JSON object padded with spaces; anything after it is corruption.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Element types this library reads and writes. */
  public enum DType {
    F64(8),
    F32(4);

    final int bytes;

    DType(int bytes) {
      this.bytes = bytes;
    }
  }

  private Safetensors() {}

  // ---------------------------------------------------------------- saving

  /** Saves a model's parameters under their full names. */
  public static void save(Module model, Path file, DType dtype) throws IOException {
    save(model.stateDict(), file, dtype, Map.of());
  }

  /** Saves named tensors, in map order, with optional string metadata. */
  public static void save(Map<String, Tensor> tensors, Path file, DType dtype, Map<String, String> metadata)
      throws IOException {
    Files.write(file, encode(tensors, dtype, metadata));
  }

  /** The file's bytes. */
  public static byte[] encode(Map<String, Tensor> tensors, DType dtype, Map<String, String> metadata) {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject(METADATA);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      checkArgument(!e.getKey().equals(METADATA), "safetensors save: a tensor cannot be named %s", METADATA);
      Tensor t = e.getValue();
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", dtype.name());
      ArrayNode shape = entry.putArray("shape");
      for (int d : t.shapeRef()) {
        shape.add(d);
      }
      long end = offset + (long) t.size() * dtype.bytes;
      entry.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(header);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("safetensors save: could not write the header", e);
    }
    int padded = (json.length + 7) / 8 * 8;
    checkArgument(8L + padded + offset <= Integer.MAX_VALUE - 8,
        "safetensors save: %s bytes of tensors is too large for one in-memory file", offset);
    ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(padded);
    buf.put(json);
    for (int i = json.length; i < padded; i++) {
      buf.put((byte) ' ');
    }
    for (Tensor t : tensors.values()) {
      for (double v : t.data()) {
        if (dtype == DType.F64) {
          buf.putDouble(v);
        } else {
          buf.putFloat((float) v);
        }
      }
    }
    return buf.array();
  }

  // ---------------------------------------------------------------- loading

  /** Loads a model's parameters, checking that names and shapes match exactly (see {@link Module#load}). */
  public static void load(Module model, Path file) throws IOException {
    Map<String, Tensor> values = load(file);
    try {
      model.load(values);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("safetensors " + file + ": " + e.getMessage(), e);
    }
  }

  /** All tensors of a file by name, in the order of their offsets. */
  public static Map<String, Tensor> load(Path file) throws IOException {
    String src = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("safetensors " + src + ": not a regular file");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(src, ch.size(), (position, length) -> readFully(ch, position, length, src));
    }
  }

  /** Decodes a file held in memory; same checks as {@link #load(Path)}. */
  public static Map<String, Tensor> decode(byte[] file, String source) {
    try {
      return read(source, file.length, (position, length) -> ByteBuffer.wrap(file, (int) position, length).slice());
    } catch (IOException e) {
      throw new AssertionError("memory reads do not fail", e);
    }
  }

  /** The {@code __metadata__} strings of a file's header (empty if none). */
  public static Map<String, String> metadata(Path file) throws IOException {
    String src = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("safetensors " + src + ": not a regular file");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      JsonNode meta = readJson(src, header(src, ch.size(), (position, length) -> readFully(ch, position, length, src)))
          .get(METADATA);
      Map<String, String> out = new LinkedHashMap<>();
      if (meta != null) {
        meta.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
      }
      return out;
    }
  }

  /** Reads {@code length} bytes at {@code position}; callers have checked both against the size. */
  @FunctionalInterface
  private interface Bytes {
    ByteBuffer read(long position, int length) throws IOException;
  }

  private static Map<String, Tensor> read(String src, long size, Bytes bytes) throws IOException {
    byte[] json = header(src, size, bytes);
    List<Entry> entries = parseHeader(src, json);
    long bufferStart = 8L + json.length;
    checkLayout(src, entries, size - bufferStart);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Entry e : entries) {
      ByteBuffer data = bytes.read(bufferStart + e.begin, (int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
      double[] values = new double[(int) e.numel];
      for (int i = 0; i < values.length; i++) {
        values[i] = e.dtype == DType.F64 ? data.getDouble() : data.getFloat();
      }
      out.put(e.name, Tensor.wrap(values, e.shape).named(e.name));
    }
    return out;
  }

  /** The header's bytes, after checking its claimed length against the limit and the file size. */
  private static byte[] header(String src, long size, Bytes bytes) throws IOException {
    if (size < 8) {
      throw bad(src, "the file has " + size + " bytes; it must start with an 8-byte header length");
    }
    long n = bytes.read(0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    checkHeaderLength(src, n, size);
    byte[] json = new byte[(int) n];
    bytes.read(8, json.length).get(json);
    return json;
  }

  // ---------------------------------------------------------------- validation

  private static final class Entry {
    String name;
    DType dtype;
    int[] shape;
    long numel;
    long begin;
    long end;
  }

  private static void checkHeaderLength(String src, long n, long fileSize) {
    // n is unsigned in the format: a negative long is a length above 2^63.
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw bad(src, "the header claims " + Long.toUnsignedString(n) + " bytes; at most " + MAX_HEADER_BYTES
          + " are allowed (is this a safetensors file?)");
    }
    if (n > fileSize - 8) {
      throw bad(src, "the header claims " + n + " bytes but the file has only " + (fileSize - 8)
          + " after the length: truncated or not a safetensors file");
    }
    if (n < 2) {
      throw bad(src, "the header is " + n + " bytes long; it must hold at least '{}'");
    }
  }

  private static JsonNode readJson(String src, byte[] json) {
    if (json[0] != '{') {
      throw bad(src, "the header must start with '{' but starts with byte 0x" + Integer.toHexString(json[0] & 0xff));
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw bad(src, "the header is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw bad(src, "the header is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw bad(src, "the header is not a JSON object");
    }
    return root;
  }

  private static List<Entry> parseHeader(String src, byte[] json) {
    JsonNode root = readJson(src, json);
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (name.equals(METADATA)) {
        if (!v.isObject()) {
          throw bad(src, METADATA + " must be an object of strings");
        }
        v.fields().forEachRemaining(m -> {
          if (!m.getValue().isTextual()) {
            throw bad(src, METADATA + " value of '" + m.getKey() + "' is not a string");
          }
        });
        continue;
      }
      if (!v.isObject()) {
        throw bad(src, "tensor '" + name + "': its entry is not an object");
      }
      Entry e = new Entry();
      e.name = name;
      JsonNode dtype = v.get("dtype");
      if (dtype == null || !dtype.isTextual()) {
        throw bad(src, "tensor '" + name + "': missing dtype");
      }
      switch (dtype.asText()) {
        case "F64": e.dtype = DType.F64; break;
        case "F32": e.dtype = DType.F32; break;
        default: throw bad(src, "tensor '" + name + "': dtype " + dtype.asText() + " is not supported; F64 and F32 are");
      }
      JsonNode shape = v.get("shape");
      if (shape == null || !shape.isArray()) {
        throw bad(src, "tensor '" + name + "': missing shape");
      }
      e.shape = new int[shape.size()];
      long numel = 1;
      for (int i = 0; i < e.shape.length; i++) {
        JsonNode d = shape.get(i);
        if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
          throw bad(src, "tensor '" + name + "': shape " + shape + " holds a dimension that is not a non-negative int");
        }
        e.shape[i] = (int) d.asLong();
        numel = saturatingMultiply(numel, e.shape[i]);
      }
      e.numel = numel;
      JsonNode offsets = v.get("data_offsets");
      if (offsets == null || !offsets.isArray() || offsets.size() != 2
          || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
          || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
        throw bad(src, "tensor '" + name + "': data_offsets must be [begin, end] with whole numbers, got " + offsets);
      }
      e.begin = offsets.get(0).asLong();
      e.end = offsets.get(1).asLong();
      if (e.begin < 0 || e.end < e.begin) {
        throw bad(src, "tensor '" + name + "': data_offsets [" + e.begin + ", " + e.end + "] are not an interval");
      }
      if (numel > Integer.MAX_VALUE - 8) {
        throw bad(src, "tensor '" + name + "': shape " + Shape.format(e.shape) + " has more elements than a Java array holds");
      }
      if (e.end - e.begin != numel * e.dtype.bytes) {
        throw bad(src, "tensor '" + name + "': shape " + Shape.format(e.shape) + " of " + e.dtype + " needs "
            + numel * e.dtype.bytes + " bytes but data_offsets [" + e.begin + ", " + e.end + "] span " + (e.end - e.begin));
      }
      entries.add(e);
    }
    return entries;
  }

  private static long saturatingMultiply(long a, long b) {
    long r = a * b;
    return (b != 0 && (r / b != a || r < 0)) ? Long.MAX_VALUE : r;
  }

  /** Offsets must tile the buffer exactly: sorted, no gaps, no overlaps, ending at its end. */
  private static void checkLayout(String src, List<Entry> entries, long bufferLength) {
    entries.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
    long expected = 0;
    for (Entry e : entries) {
      if (e.end > bufferLength) {
        throw bad(src, "tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end + "] reach past the "
            + bufferLength + "-byte data buffer: the file is truncated");
      }
      if (e.begin != expected) {
        throw bad(src, "tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end + "] should begin at "
            + expected + (e.begin < expected ? "; it overlaps the tensor before it" : "; there is a gap before it"));
      }
      expected = e.end;
    }
    if (expected != bufferLength) {
      throw bad(src, "the tensors cover " + expected + " bytes but the data buffer has " + bufferLength);
    }
  }

  private static ByteBuffer readFully(FileChannel ch, long position, int length, String src) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    long pos = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw bad(src, "the file ended at byte " + pos + " while reading " + length + " bytes from " + position);
      }
      pos += r;
    }
    return buf.flip();
  }

  private static IllegalArgumentException bad(String src, String what) {
    return new IllegalArgumentException("safetensors " + src + ": " + what);
  }
}
