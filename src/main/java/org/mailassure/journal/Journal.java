package org.mailassure.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The append-only record of every probe attempt, {@code state-dir/journal.jsonl}: one JSON object a
 * line (JSON Lines). Each line is written with one {@code write} and forced to disk before {@link
 * #append} returns, so an attempt reported done survives a crash. A torn last line (a crash
 * mid-write) is skipped and counted when reading, never fatal. Thread-safe.
 */
public final class Journal {
  public static final String FILE_NAME = "journal.jsonl";
  private static final JsonFactory JSON = new JsonFactory();

  private final Path file;
  private final java.util.function.Consumer<JournalEntry> listener;

  public Journal(Path stateDir) {
    this(stateDir, e -> {});
  }

  /** A journal that tells {@code listener} of each entry once it is on disk. */
  public Journal(Path stateDir, java.util.function.Consumer<JournalEntry> listener) {
    this.file = stateDir.resolve(FILE_NAME);
    this.listener = listener;
  }

  public Path file() {
    return file;
  }

  /** Appends one entry and forces it to disk. */
  public synchronized void append(JournalEntry e) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] line = (toJson(e) + "\n").getBytes(StandardCharsets.UTF_8);
    // O_APPEND keeps whole lines whole when `send` and `run` append at the same time.
    boolean torn = endsTorn();
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf =
          ByteBuffer.wrap(
              torn
                  ? ("\n" + new String(line, StandardCharsets.UTF_8))
                      .getBytes(StandardCharsets.UTF_8)
                  : line);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
    }
    listener.accept(e);
  }

  /**
   * Whether the file ends in the middle of a line (a write cut short by a crash). The next entry
   * then starts on a line of its own, so the torn fragment cannot swallow it.
   */
  private boolean endsTorn() throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, size - 1);
      return last.get(0) != '\n';
    }
  }

  /**
   * What reading found: the entries, and how many lines could not be read (a torn tail after a
   * crash).
   */
  public record Contents(List<JournalEntry> entries, int unreadableLines) {}

  /** Reads every entry; an absent journal is empty. */
  public synchronized Contents read() throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new Contents(List.of(), 0);
    }
    List<JournalEntry> entries = new ArrayList<>(lines.size());
    int bad = 0;
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(fromJson(line));
      } catch (IOException | RuntimeException e) {
        bad++;
      }
    }
    return new Contents(entries, bad);
  }

  static String toJson(JournalEntry e) throws IOException {
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

  static JournalEntry fromJson(String line) throws IOException {
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
