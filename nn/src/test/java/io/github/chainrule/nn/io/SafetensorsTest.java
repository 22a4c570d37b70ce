package io.github.chainrule.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Mlp;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.io.Safetensors.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir
  Path dir;

  /** A file laid out by hand from the format's specification: length, JSON header, byte buffer. */
  private static byte[] handLaid(String header, byte[] buffer) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + json.length + buffer.length).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(json.length).put(json).put(buffer).array();
  }

  private static byte[] littleEndian(double... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  private static byte[] concat(byte[]... parts) {
    int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  @Test
  void readsAFileLaidOutByHandFromTheSpecification() {
    // Keys out of offset order, metadata first, F32 and F64 mixed, a scalar, an empty tensor, and no padding.
    ByteBuffer f32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(-2f);
    byte[] buffer = concat(littleEndian(1, 2, 3, 4, 5, 6), f32.array(), littleEndian(7));
    String header = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"s\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[56,64]},"
        + "\"w\":{\"dtype\":\"F64\",\"shape\":[2,3],\"data_offsets\":[0,48]},"
        + "\"e\":{\"dtype\":\"F64\",\"shape\":[0,4],\"data_offsets\":[48,48]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[48,56]}}";
    Map<String, Tensor> t = Safetensors.decode(handLaid(header, buffer), "hand");
    assertEquals(List.of("w", "e", "b", "s"), List.copyOf(t.keySet()), "in offset order");
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, t.get("w").data());
    assertArrayEquals(new int[] {2, 3}, t.get("w").shape());
    assertArrayEquals(new double[] {0.5, -2}, t.get("b").data());
    assertEquals(7, t.get("s").item());
    assertEquals(0, t.get("s").rank());
    assertArrayEquals(new int[] {0, 4}, t.get("e").shape());
  }

  @Test
  void writtenFilesFollowTheSpecificationByteForByte() throws IOException {
    Linear l = new Linear(3, 2, 5);
    Path f = dir.resolve("linear.safetensors");
    Safetensors.save(l.stateDict(), f, DType.F64, Map.of("source", "chainrule"));
    byte[] bytes = Files.readAllBytes(f);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = b.getLong();
    assertEquals(0, (8 + n) % 8, "header padded so the buffer is 8-byte aligned");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{"));
    assertTrue(header.substring(header.lastIndexOf('}') + 1).isBlank(), "padding is spaces only");
    JsonNode json = new ObjectMapper().readTree(header);
    assertEquals("chainrule", json.get("__metadata__").get("source").asText());
    JsonNode w = json.get("weight");
    assertEquals("F64", w.get("dtype").asText());
    assertEquals("[2,3]", w.get("shape").toString());
    assertEquals("[0,48]", w.get("data_offsets").toString());
    assertEquals("[48,64]", json.get("bias").get("data_offsets").toString());
    assertEquals(8 + n + 64, bytes.length, "the buffer ends the file");
    // Offsets are relative to the buffer after the header; values little-endian, row-major.
    ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n) + 48, 16).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(l.bias().data()[0], data.getDouble());
    assertEquals(l.bias().data()[1], data.getDouble());
    assertEquals(Map.of("source", "chainrule"), Safetensors.metadata(f));
  }

  @Test
  void f64RoundTripsExactlyAndF32RoundsToFloat() throws IOException {
    Sequential net = Mlp.of(3, 4, 2).seed(3).build();
    Path f64 = dir.resolve("a.safetensors");
    Safetensors.save(net, f64, DType.F64);
    Sequential other = Mlp.of(3, 4, 2).seed(99).build();
    Safetensors.load(other, f64);
    assertArrayEquals(net.parameter("0.weight").data(), other.parameter("0.weight").data());
    assertArrayEquals(net.parameter("2.bias").data(), other.parameter("2.bias").data());

    Path f32 = dir.resolve("b.safetensors");
    Safetensors.save(net, f32, DType.F32);
    Map<String, Tensor> loaded = Safetensors.load(f32);
    double[] original = net.parameter("0.weight").data();
    for (int i = 0; i < original.length; i++) {
      assertEquals((double) (float) original[i], loaded.get("0.weight").data()[i], 0.0);
    }
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(loaded.keySet()));
  }

  @Test
  void loadingIntoAModelChecksNamesAndShapes() throws IOException {
    Path f = dir.resolve("w.safetensors");
    Safetensors.save(Mlp.of(3, 4, 2).build(), f, DType.F64);
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> Safetensors.load(Mlp.of(3, 5, 2).build(), f));
    assertTrue(shape.getMessage().contains(f.toString()) && shape.getMessage().contains("0.weight: expected [5,3], got [4,3]"),
        shape.getMessage());
    IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
        () -> Safetensors.load(Mlp.of(3, 4, 4, 2).build(), f));
    assertTrue(names.getMessage().contains("missing [4.bias, 4.weight]"), names.getMessage());
  }

  // ---------------------------------------------------------------- hostile files

  private String loadError(byte[] bytes) throws IOException {
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, bytes);
    String fromFile = assertThrows(IllegalArgumentException.class, () -> Safetensors.load(f)).getMessage();
    String fromBytes = assertThrows(IllegalArgumentException.class, () -> Safetensors.decode(bytes, f.toString()))
        .getMessage();
    assertEquals(fromFile, fromBytes, "file and memory loaders agree");
    assertTrue(fromFile.startsWith("safetensors " + f), fromFile);
    return fromFile;
  }

  private static final String W = "{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}";

  @Test
  void absurdHeaderLengthsAreRejectedBeforeAllocating() throws IOException {
    byte[] huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array();
    assertTrue(loadError(huge).contains("18446744073709551615 bytes; at most 100000000"));
    byte[] large = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(50_000_000L).array();
    assertTrue(loadError(large).contains("file has only 8"), "within the limit but beyond the file");
    assertTrue(loadError(new byte[] {1, 0, 0}).contains("8-byte header length"));
  }

  @Test
  void truncatedFilesAreReported() throws IOException {
    byte[] whole = handLaid(W, littleEndian(1, 2));
    String m = loadError(Arrays.copyOf(whole, whole.length - 3));
    assertTrue(m.contains("tensor 'w'") && m.contains("truncated"), m);
    assertTrue(loadError(Arrays.copyOf(whole, 20)).contains("truncated"));
  }

  @Test
  void badJsonAndBadEntriesAreReported() throws IOException {
    assertTrue(loadError(handLaid("{\"w\": {", new byte[0])).contains("not valid JSON"));
    assertTrue(loadError(handLaid("[1, 2]", new byte[0])).contains("must start with '{'"));
    assertTrue(loadError(handLaid(W.replace("F64", "BF16"), littleEndian(1, 2))).contains("BF16 is not supported"));
    assertTrue(loadError(handLaid(W.replace("[2]", "[3]"), littleEndian(1, 2))).contains("needs 24 bytes"));
    assertTrue(loadError(handLaid(W.replace("[2]", "[-2]"), littleEndian(1, 2))).contains("not a non-negative int"));
    assertTrue(loadError(handLaid(W.replace("[0,16]", "[16,0]"), littleEndian(1, 2))).contains("not an interval"));
    assertTrue(loadError(handLaid(W.replace("[2]", "[4294967296,4294967296]"), littleEndian(1, 2)))
        .contains("not a non-negative int"));
    assertTrue(loadError(handLaid(W.replace("\"dtype\":\"F64\",", ""), littleEndian(1, 2))).contains("missing dtype"));
    String deep = "{\"a\":" + "[".repeat(200_000);
    assertTrue(loadError(handLaid(deep, new byte[0])).contains("not valid JSON"), "deep nesting: no stack overflow");
    assertTrue(loadError(handLaid("{\"w\": 1}", new byte[0])).contains("tensor 'w': its entry is not an object"));
    String dup = "{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
        + "\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    assertTrue(loadError(handLaid(dup, littleEndian(1, 2))).contains("Duplicate field 'w'"));
    // The header is one object padded with spaces: anything else after it is corruption, not padding.
    assertTrue(loadError(handLaid(W + " }", littleEndian(1, 2))).contains("not valid JSON"));
    assertTrue(loadError(handLaid(W + "{}", littleEndian(1, 2))).contains("not valid JSON"));
    assertEquals(2, Safetensors.decode(handLaid(W + "   \n", littleEndian(1, 2)), "padded").get("w").size());
  }

  @Test
  void offsetsMustTileTheBufferWithoutGapsOrOverlaps() throws IOException {
    String overlap = "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
        + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    assertTrue(loadError(handLaid(overlap, littleEndian(1, 2))).contains("overlaps"));
    String gap = "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    assertTrue(loadError(handLaid(gap, littleEndian(1, 2))).contains("gap"));
    assertTrue(loadError(handLaid(W, littleEndian(1, 2, 3))).contains("cover 16 bytes but the data buffer has 24"));
  }

  @Test
  void notARegularFile() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Safetensors.load(dir));
    assertTrue(e.getMessage().contains("not a regular file"));
    IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> Safetensors.metadata(dir));
    assertEquals(e.getMessage(), m.getMessage(), "metadata() refuses what load() refuses, the same way");
  }

  @Test
  void metadataKeyIsReservedWhenSaving() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("__metadata__", Tensor.zeros(1));
    assertThrows(IllegalArgumentException.class, () -> Safetensors.encode(t, DType.F64, Map.of()));
  }
}
