package io.github.chainrule.nn.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import io.github.chainrule.nn.optim.Optimizer;
import io.github.chainrule.nn.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's weights and its optimiser's state in one safetensors file, so training can stop and
 * continue bit for bit. Everything is F64, so every value is saved exactly:
 * <ul>
 *   <li>each parameter under its full name, as {@link Safetensors#save(Module, Path, Safetensors.DType)}
 *       writes it, so the file also loads as plain weights in PyTorch;</li>
 *   <li>each optimiser buffer as {@code optim.<parameter>.<buffer>} ({@code optim.hidden.weight.exp_avg});</li>
 *   <li>in the metadata, under {@code optim}, a JSON object with the optimiser's type, settings, step
 *       count, groups (parameter names, learning rate, weight decay) and each parameter's step
 *       count; other metadata (a trainer's epoch) is the caller's.</li>
 * </ul>
 * The file is written to a temporary sibling and moved into place, so a run stopped while saving
 * leaves the previous checkpoint whole.
 */
public final class Checkpoint {
  /** The prefix of the optimiser's tensors; no parameter name may start with it. */
  public static final String OPTIM_PREFIX = "optim.";
  private static final String OPTIM_KEY = "optim";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoint() {}

  /**
   * Writes the model's parameters and the optimiser's state to {@code file}.
   *
   * @param metadata more strings to keep (keys other than {@code optim})
   */
  public static void save(Path file, Module model, Optimizer optimizer, Map<String, String> metadata)
      throws IOException {
    checkArgument(!metadata.containsKey(OPTIM_KEY), "checkpoint save: the metadata key %s is the optimizer's", OPTIM_KEY);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Parameter p : model.parameters()) {
      checkArgument(!p.name().startsWith(OPTIM_PREFIX), "checkpoint save: parameter %s starts with %s, which"
          + " names the optimizer's state in a checkpoint; rename the module", p.name(), OPTIM_PREFIX);
      tensors.put(p.name(), p.tensor());
    }
    OptimizerState state = optimizer.stateDict();
    ObjectNode json = JSON.createObjectNode();
    json.put("type", state.type());
    json.put("steps", state.steps());
    ObjectNode settings = json.putObject("settings");
    state.settings().forEach(settings::put);
    ArrayNode groups = json.putArray("groups");
    for (OptimizerState.Group g : state.groups()) {
      ObjectNode group = groups.addObject();
      ArrayNode names = group.putArray("params");
      g.parameters().forEach(names::add);
      group.put("lr", g.lr());
      group.put("weight_decay", g.weightDecay());
    }
    ObjectNode steps = json.putObject("state_steps");
    state.parameters().forEach((name, entry) -> {
      steps.put(name, entry.step());
      entry.buffers().forEach((buffer, t) -> tensors.put(OPTIM_PREFIX + name + "." + buffer, t));
    });
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    try {
      meta.put(OPTIM_KEY, JSON.writeValueAsString(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("checkpoint save: could not write the optimizer's state", e);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.write(partial, Safetensors.encode(tensors, Safetensors.DType.F64, meta));
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Loads what {@link #save} wrote into {@code model} and {@code optimizer}, and returns the rest of
   * the metadata. The model's parameters must match by name and shape and the optimiser's kind,
   * settings and groups must be the same; nothing is changed unless everything matches.
   *
   * @throws IllegalArgumentException naming the file and the parameter, buffer or setting that does not match
   */
  public static Map<String, String> load(Path file, Module model, Optimizer optimizer) throws IOException {
    Map<String, Tensor> tensors = Safetensors.load(file);
    Map<String, String> metadata = new LinkedHashMap<>(Safetensors.metadata(file));
    String where = "checkpoint " + file + ": ";
    String optim = metadata.remove(OPTIM_KEY);
    checkArgument(optim != null, "%sno optimizer state (metadata key %s); it holds weights only: load them with"
        + " Safetensors.load(model, file)", where, OPTIM_KEY);
    Map<String, Tensor> weights = new LinkedHashMap<>();
    Map<String, Map<String, Tensor>> buffers = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
      String name = t.getKey();
      if (!name.startsWith(OPTIM_PREFIX)) {
        weights.put(name, t.getValue());
        continue;
      }
      int dot = name.lastIndexOf('.');
      checkArgument(dot > OPTIM_PREFIX.length(), "%stensor %s names no parameter and buffer", where, name);
      buffers.computeIfAbsent(name.substring(OPTIM_PREFIX.length(), dot), k -> new LinkedHashMap<>())
          .put(name.substring(dot + 1), t.getValue());
    }
    OptimizerState state = parse(optim, buffers, where);
    Map<String, Tensor> before = model.stateDict();
    try {
      model.load(weights);
      optimizer.loadStateDict(state);
    } catch (IllegalArgumentException e) {
      model.load(before);   // a mismatch changes nothing
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
    return metadata;
  }

  private static OptimizerState parse(String optim, Map<String, Map<String, Tensor>> buffers, String where) {
    JsonNode json;
    try {
      json = JSON.readTree(optim);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + "the optimizer's state is not JSON: " + e.getOriginalMessage(), e);
    }
    try {
      Map<String, Double> settings = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = required(json, "settings").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> s = it.next();
        settings.put(s.getKey(), s.getValue().asDouble());
      }
      List<OptimizerState.Group> groups = new ArrayList<>();
      for (JsonNode g : required(json, "groups")) {
        List<String> names = new ArrayList<>();
        required(g, "params").forEach(n -> names.add(n.asText()));
        groups.add(new OptimizerState.Group(names, required(g, "lr").asDouble(), required(g, "weight_decay").asDouble()));
      }
      JsonNode steps = required(json, "state_steps");
      Map<String, OptimizerState.Entry> entries = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = steps.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> s = it.next();
        entries.put(s.getKey(), new OptimizerState.Entry(s.getValue().asLong(), buffers.getOrDefault(s.getKey(), Map.of())));
      }
      for (String name : buffers.keySet()) {
        checkArgument(entries.containsKey(name), "tensor %s%s.%s belongs to no parameter with optimizer state",
            OPTIM_PREFIX, name, buffers.get(name).keySet().iterator().next());
      }
      return new OptimizerState(required(json, "type").asText(), settings, required(json, "steps").asLong(), groups,
          entries);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
  }

  private static JsonNode required(JsonNode node, String key) {
    JsonNode v = node.get(key);
    checkArgument(v != null && !v.isNull(), "the optimizer's state has no '%s'", key);
    return v;
  }
}
