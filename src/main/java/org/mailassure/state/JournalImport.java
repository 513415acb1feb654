package org.mailassure.state;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.JournalLines;

/**
 * Imports the {@code journal.jsonl} of versions before the state store, once: every readable line
 * in one transaction (all or nothing), then the file is kept as {@code journal.jsonl.imported}. A
 * line cut short by a crash, or one that is not JSON, is skipped and counted; a line with bytes
 * that are not UTF-8 (a relay's error text torn inside a character) is read with those bytes
 * replaced by U+FFFD and counted. A line longer than {@link #MAX_LINE} is skipped unread. The store
 * notes the import in the same transaction, so a crash before the rename never imports twice.
 */
public final class JournalImport {
  public static final String FILE_NAME = "journal.jsonl";
  static final int MAX_LINE = 1 << 20;

  /** What the import found. */
  public record Report(Path from, Path keptAs, long imported, long unreadable, long repaired) {}

  private JournalImport() {}

  /**
   * Imports {@code stateDir/journal.jsonl} when it is there.
   *
   * @return null when there was nothing to import
   */
  public static Report importFrom(StateStore store, Path stateDir, String host, Instant now)
      throws StoreException, IOException {
    Path file = stateDir.resolve(FILE_NAME);
    // Read as root, then moved: never another file through a link put in its place.
    StateDir.refuseLink(file);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    String key = "imported " + file.toAbsolutePath() + " on " + host;
    Counts counts = new Counts();
    if (store.meta(key).isEmpty()) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        Lines lines = new Lines(in, counts);
        try {
          store.recordAll(() -> lines, key, now + ": " + "imported");
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
    }
    Path kept = stateDir.resolve(FILE_NAME + ".imported");
    for (int i = 1; Files.exists(kept); i++) {
      kept = stateDir.resolve(FILE_NAME + ".imported." + i);
    }
    Files.move(file, kept);
    return new Report(file, kept, counts.imported, counts.unreadable, counts.repaired);
  }

  private static final class Counts {
    long imported;
    long unreadable;
    long repaired;
  }

  /** The entries of a JSON Lines stream, parsed as they are asked for. */
  private static final class Lines implements Iterator<JournalEntry> {
    private final InputStream in;
    private final Counts counts;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private JournalEntry next;
    private boolean done;

    Lines(InputStream in, Counts counts) {
      this.in = in;
      this.counts = counts;
    }

    @Override
    public boolean hasNext() {
      while (next == null && !done) {
        try {
          next = readOne();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return next != null;
    }

    @Override
    public JournalEntry next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      JournalEntry e = next;
      next = null;
      counts.imported++;
      return e;
    }

    /** The next line's entry; null for a line skipped or at the end (then {@link #done}). */
    private JournalEntry readOne() throws IOException {
      line.reset();
      boolean tooLong = false;
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        if (line.size() < MAX_LINE) {
          line.write(b);
        } else {
          tooLong = true;
        }
      }
      if (b == -1) {
        done = true;
        if (line.size() == 0) {
          return null;
        }
      }
      if (tooLong) {
        counts.unreadable++;
        return null;
      }
      byte[] bytes = line.toByteArray();
      String text;
      boolean repaired = false;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
      } catch (CharacterCodingException e) {
        text = new String(bytes, StandardCharsets.UTF_8);
        repaired = true;
      }
      if (text.isBlank()) {
        return null;
      }
      try {
        JournalEntry e = JournalLines.fromJson(text);
        if (repaired) {
          counts.repaired++;
        }
        return e;
      } catch (IOException | RuntimeException e) {
        counts.unreadable++;
        return null;
      }
    }
  }
}
