package org.mailassure.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * The journal's JSON Lines form: one JSON object a line with SPEC.md's fields ({@code slot}, {@code
 * domain}, {@code sent_at}, {@code message_id}, {@code outcome}, {@code tls_protocol}, {@code
 * tls_cipher}, {@code dkim}, {@code error}) and {@code attempt}, {@code transport}, {@code
 * trigger}. {@code mailassure journal --json} prints it; the {@code journal.jsonl} of versions
 * before the state store is read in it once, on import.
 */
public final class JournalLines {
  private static final JsonFactory JSON = new JsonFactory();

  private JournalLines() {}

  public static String toJson(JournalEntry e) throws IOException {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("slot", e.slot().toString());
      g.writeStringField("domain", e.domain());
      g.writeStringField("sent_at", e.sentAt().toString());
      g.writeStringField("message_id", e.messageId());
      g.writeStringField("outcome", e.outcome().journalName());
      g.writeNumberField("attempt", e.attempt());
      g.writeStringField("transport", e.transport());
      g.writeStringField("trigger", e.trigger());
      g.writeStringField("tls_protocol", e.tlsProtocol());
      g.writeStringField("tls_cipher", e.tlsCipher());
      g.writeStringField("dkim", e.dkim());
      g.writeStringField("error", org.mailassure.secrets.Secrets.redact(e.error()));
      g.writeEndObject();
    }
    return w.toString();
  }

  public static JournalEntry fromJson(String line) throws IOException {
    Map<String, String> f = new HashMap<>();
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not an object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
          p.skipChildren();
        } else {
          f.put(name, v == JsonToken.VALUE_NULL ? null : p.getText());
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("torn line");
      }
    }
    return new JournalEntry(
        OffsetDateTime.parse(f.get("slot")),
        f.get("domain"),
        Instant.parse(f.get("sent_at")),
        f.get("message_id"),
        Outcome.fromJournal(f.get("outcome")),
        f.get("attempt") == null ? 1 : Integer.parseInt(f.get("attempt")),
        f.get("transport"),
        f.get("trigger"),
        f.get("tls_protocol"),
        f.get("tls_cipher"),
        f.get("dkim"),
        f.get("error"));
  }
}
