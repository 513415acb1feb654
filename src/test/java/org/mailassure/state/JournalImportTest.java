package org.mailassure.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;

/**
 * Importing the journal.jsonl of earlier versions into a real SQLite store: every readable line
 * once, torn and oversized lines counted and skipped, lines with bytes that are not UTF-8 read with
 * U+FFFD in their place (the Unicode Standard's replacement for an ill-formed sequence).
 */
class JournalImportTest {
  @TempDir Path dir;
  static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");

  private static String line(String domain, String slot, String outcome, String error) {
    return "{\"slot\":\""
        + slot
        + "\",\"domain\":\""
        + domain
        + "\",\"sent_at\":\""
        + slot.replace("Z", ":03Z")
        + "\",\"message_id\":\"<m@"
        + domain
        + ">\",\"outcome\":\""
        + outcome
        + "\",\"attempt\":1,\"transport\":\"smtp\",\"trigger\":\"schedule\","
        + "\"tls_protocol\":null,\"tls_cipher\":null,\"dkim\":\"none\",\"error\":"
        + (error == null ? "null" : "\"" + error + "\"")
        + "}\n";
  }

  private StateStore store() throws Exception {
    StateStore s = Stores.sqlite(dir.resolve(Stores.SQLITE_FILE), "h/1/a", true);
    s.migrate();
    return s;
  }

  @Test
  void tornNonUtf8AndOversizedLinesAreCountedAndEveryReadableLineIsImportedOnce() throws Exception {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes(
        line("a.gov.uk", "2026-11-27T06:00Z", "sent", null).getBytes(StandardCharsets.UTF_8));
    // A relay's error text torn inside "é" (0xC3 0xA9): only its first byte is left.
    byte[] torn =
        line("a.gov.uk", "2026-11-28T06:00Z", "failed", "refus@").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < torn.length; i++) {
      if (torn[i] == '@') {
        torn[i] = (byte) 0xC3;
      }
    }
    file.writeBytes(torn);
    file.writeBytes("{\"slot\":\"2026-11-29T06:00Z\",\"dom\n".getBytes(StandardCharsets.UTF_8));
    file.writeBytes(
        ("{\"x\":\"" + "y".repeat(JournalImport.MAX_LINE + 10) + "\"}\n")
            .getBytes(StandardCharsets.UTF_8));
    file.writeBytes(
        line("b.gov.uk", "2026-11-29T06:00Z", "sent", null).getBytes(StandardCharsets.UTF_8));
    // The last line was cut short by a crash: no newline, not JSON.
    file.writeBytes("{\"slot\":\"2026-11-30T06".getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("journal.jsonl"), file.toByteArray());

    try (StateStore s = store()) {
      JournalImport.Report r = JournalImport.importFrom(s, dir, "h", NOW);

      assertThat(r.imported()).isEqualTo(3);
      assertThat(r.unreadable()).isEqualTo(3);
      assertThat(r.repaired()).isEqualTo(1);
      assertThat(r.keptAs()).isEqualTo(dir.resolve("journal.jsonl.imported"));
      assertThat(dir.resolve("journal.jsonl")).doesNotExist();
      List<JournalEntry> all = new ArrayList<>();
      s.history(null, null, all::add);
      assertThat(all)
          .extracting(JournalEntry::domain)
          .containsExactly("a.gov.uk", "a.gov.uk", "b.gov.uk");
      assertThat(all.get(1).error()).isEqualTo("refus\uFFFD");
      assertThat(all.get(1).outcome()).isEqualTo(Outcome.FAILED);
      // Imported scheduled slots are settled: the daemon does not send them again.
      assertThat(s.lastSettledSlot("b.gov.uk", NOW))
          .contains(Instant.parse("2026-11-29T06:00:00Z"));
    }
  }

  @Test
  void aCrashBetweenTheImportAndTheRenameNeverImportsTwice() throws Exception {
    Files.writeString(
        dir.resolve("journal.jsonl"), line("a.gov.uk", "2026-11-27T06:00Z", "sent", null));
    Files.copy(dir.resolve("journal.jsonl"), dir.resolve("copy"));
    try (StateStore s = store()) {
      JournalImport.importFrom(s, dir, "h", NOW);
      // The same file back where it was, as if the rename had never happened.
      Files.move(dir.resolve("copy"), dir.resolve("journal.jsonl"));
      JournalImport.importFrom(s, dir, "h", NOW);

      List<JournalEntry> all = new ArrayList<>();
      s.history(null, null, all::add);
      assertThat(all).hasSize(1);
      assertThat(dir.resolve("journal.jsonl.imported.1")).exists();
    }
  }

  @Test
  void withNoOldJournalThereIsNothingToImport() throws Exception {
    try (StateStore s = store()) {
      assertThat(JournalImport.importFrom(s, dir, "h", NOW)).isNull();
    }
  }
}
