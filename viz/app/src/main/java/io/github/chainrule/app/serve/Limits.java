package io.github.chainrule.app.serve;

import java.time.Duration;

/**
 * Every size the playground accepts, in one place: the README's table of limits is this record.
 * Requests over a limit get a 4xx answer naming the limit; nothing is truncated silently.
 *
 * @param requestBytes largest request body (a CSV upload included)
 * @param expressionChars longest expression
 * @param variables most variables in one expression
 * @param elements most numbers the explorer's variables hold together (a tensor counts its elements)
 * @param graphNodes most nodes an expression's graph may have
 * @param sessions most training sessions alive at once (one per tab)
 * @param idle how long a session lives without a request or an open stream
 * @param hiddenLayers most hidden layers of a trainer network
 * @param width widest hidden layer (relu-sum's 1024 units)
 * @param parameters most weights and biases of a trainer network
 * @param activations most hidden activations of one full-batch step: training rows times the hidden
 *     widths added up (each is a double, held a few times over by the forward and backward pass)
 * @param stepsPerSecond most training steps a session runs per second
 * @param stepsPerRequest most steps one "step" or "fast-forward" request may ask for
 * @param uploadRows most rows of an uploaded CSV (its bytes count against requestBytes)
 * @param uploadColumns most columns of an uploaded CSV
 * @param framesPerSecond most frames a stream sends per second; a slow reader gets the latest only
 * @param streams most open streams at once
 */
record Limits(int requestBytes, int expressionChars, int variables, int elements, int graphNodes, int sessions,
    Duration idle, int hiddenLayers, int width, int parameters, int activations, int stepsPerSecond, int stepsPerRequest,
    int uploadRows, int uploadColumns, int framesPerSecond, int streams) {

  static Limits defaults() {
    return new Limits(512 * 1024, 2_000, 32, 256, 400, 64, Duration.ofMinutes(10), 4, 1_024, 65_536, 1 << 20, 2_000,
        20_000, 5_000, 9, 10, 96);
  }

  /** For {@code GET /api/limits}: every field, the idle time in seconds. */
  String json() {
    return Requests.JSON.createObjectNode().put("requestBytes", requestBytes).put("expressionChars", expressionChars)
        .put("variables", variables).put("elements", elements).put("graphNodes", graphNodes).put("sessions", sessions)
        .put("idleSeconds", idle.toSeconds()).put("hiddenLayers", hiddenLayers).put("width", width)
        .put("parameters", parameters).put("activations", activations)
        .put("stepsPerSecond", stepsPerSecond).put("stepsPerRequest", stepsPerRequest).put("uploadRows", uploadRows)
        .put("uploadColumns", uploadColumns).put("framesPerSecond", framesPerSecond).put("streams", streams).toString();
  }

  Limits withSessions(int n) {
    return new Limits(requestBytes, expressionChars, variables, elements, graphNodes, n, idle, hiddenLayers, width,
        parameters, activations, stepsPerSecond, stepsPerRequest, uploadRows, uploadColumns, framesPerSecond, streams);
  }
}
