package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** Writes one JSON document to stdout with Jackson's streaming generator. */
final class Json implements AutoCloseable {
  private static final JsonFactory FACTORY = new JsonFactory();
  private final JsonGenerator g;
  private final PrintWriter out;

  Json(PrintWriter out) {
    this.out = out;
    try {
      this.g = FACTORY.createGenerator(out).useDefaultPrettyPrinter();
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonGenerator g() {
    return g;
  }

  /**
   * The one document a failed command prints with {@code --json}: {@code {"error": {"code": 2,
   * "message": "..."}}}, the code being the process's exit code.
   */
  static void error(PrintWriter out, int code, String message) {
    try (Json json = new Json(out)) {
      json.g().writeStartObject();
      json.g().writeObjectFieldStart("error");
      json.g().writeNumberField("code", code);
      json.g().writeStringField("message", message.strip());
      json.g().writeEndObject();
      json.g().writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      g.close();
      out.println();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
