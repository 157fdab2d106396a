package dev.pagelab.web;

/**
 * A request the API refuses, with the HTTP status and a sentence for the person who sent it.
 * The server answers it as {@code {"error": message, "status": status}}; it never carries a stack
 * trace to the client.
 */
final class ApiException extends RuntimeException {
    private final int status;

    ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    int status() {
        return status;
    }
}
