package io.globalfunc.core.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.FailureKind;

/**
 * RFC 9457 problem details: one stable {@code type} per way a request can fail, with its HTTP
 * status. The one owner of problem types.
 */
public enum Problem {
  BAD_JSON(400, "bad-json", "The request body is not valid JSON"),
  INVALID_REQUEST(400, "invalid-request", "The request is not of the expected shape"),
  UNKNOWN_FUNCTION(404, "unknown-function", "No such function in this library"),
  UNKNOWN_BATCH(404, "unknown-batch", "No such batch (never submitted, or expired)"),
  UNKNOWN_REF(404, "unknown-ref", "No such branch, tag or commit in the release's repository"),
  REF_NOT_ALLOWED(403, "ref-not-allowed", "The release does not serve this ref"),
  UNAUTHORIZED(401, "unauthorized", "The request needs a bearer token"),
  FORBIDDEN(403, "forbidden", "The bearer token is not the one this runtime accepts"),
  NOT_FOUND(404, "not-found", "No such resource"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "The resource does not support this method"),
  BAD_ARGUMENTS(422, "bad-arguments", "The arguments do not fit the function's signature"),
  FUNCTION_RAISED(500, "function-raised", "The function raised an exception"),
  NOT_SERIALIZABLE(500, "result-not-serializable", "The function's result cannot be JSON"),
  RESULT_TOO_LARGE(500, "result-too-large", "The function's result is larger than allowed"),
  NOT_RUN(503, "not-run", "The call did not run (its worker died running another); retry it"),
  WORKER_CRASHED(502, "worker-crashed", "The Python worker running the call died"),
  TIMEOUT(504, "timeout", "The call ran past its timeout"),
  OVERLOADED(429, "overloaded", "Too many calls are waiting; retry later"),
  UNAVAILABLE(503, "unavailable", "The runtime cannot run functions right now"),
  INTERNAL(500, "internal-error", "The runtime failed to answer this request"),
  PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request body is larger than allowed");

  /** Where problem types live; stable across releases. */
  public static final String TYPE_BASE = "https://globalfunc.io/problems/";

  public static final String CONTENT_TYPE = "application/problem+json";

  private final int status;
  private final String slug;
  private final String title;

  Problem(int status, String slug, String title) {
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String type() {
    return TYPE_BASE + slug;
  }

  /** Seconds a client should wait before retrying, for the transient cases. */
  public Integer retryAfterSeconds() {
    return this == OVERLOADED || this == UNAVAILABLE || this == NOT_RUN ? 1 : null;
  }

  /** The problem body. */
  public ObjectNode body(ObjectMapper json, String detail, String function) {
    ObjectNode n = json.createObjectNode();
    n.put("type", type());
    n.put("title", title);
    n.put("status", status);
    if (detail != null) {
      n.put("detail", detail);
    }
    if (function != null) {
      n.put("function", function);
    }
    return n;
  }

  /** The problem for a failed call. */
  public static Problem of(FailureKind kind) {
    return switch (kind) {
      case BAD_ARGUMENTS -> BAD_ARGUMENTS;
      case RAISED -> FUNCTION_RAISED;
      case NOT_SERIALIZABLE -> NOT_SERIALIZABLE;
      case NOT_CALLABLE -> UNKNOWN_FUNCTION;
      case RESULT_TOO_LARGE -> RESULT_TOO_LARGE;
      case UNREADABLE_REQUEST -> INVALID_REQUEST;
      case NOT_RUN -> NOT_RUN;
      case TIMEOUT -> TIMEOUT;
      case WORKER_CRASHED -> WORKER_CRASHED;
      case OVERLOADED -> OVERLOADED;
      case UNAVAILABLE -> UNAVAILABLE;
    };
  }

  /** The problem body for a failed call, with the Python exception when there was one. */
  public static ObjectNode body(ObjectMapper json, CallOutcome.Failure f, String function) {
    ObjectNode n = of(f.kind()).body(json, f.message(), function);
    if (f.type() != null) {
      ObjectNode exc = n.putObject("exception");
      exc.put("type", f.type());
      exc.put("message", f.message());
      if (f.traceback() != null) {
        exc.put("traceback", f.traceback());
      }
    }
    return n;
  }
}
