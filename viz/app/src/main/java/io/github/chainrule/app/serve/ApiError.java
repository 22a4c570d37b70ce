package io.github.chainrule.app.serve;

/** A request the playground refuses: answered with {@code status} and {@code {"error": message}}. */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;

  ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, message);
  }

  static ApiError tooLarge(String message) {
    return new ApiError(413, message);
  }

  static ApiError tooMany(String message) {
    return new ApiError(429, message);
  }
}
