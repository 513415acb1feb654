package org.mailassure.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  private static JournalEntry entry(String domain, Outcome outcome) {
    return new JournalEntry(
        OffsetDateTime.parse("2026-11-29T06:00:00Z"),
        domain,
        Instant.parse("2026-11-29T06:00:01Z"),
        "<mailassure.20261129T060000Z@" + domain + ">",
        outcome,
        1,
        "smtp",
        "schedule",
        "TLSv1.3",
        "TLS_AES_256_GCM_SHA384",
        "signed",
        outcome == Outcome.SENT ? null : "the relay replied 451 \"busy\"");
  }

  @Test
  void entriesAreWrittenOneJsonObjectALineWithTheSpecFields() throws Exception {
    Journal journal = new Journal(dir);
    journal.append(entry("example.gov.uk", Outcome.SENT));

    String line = Files.readString(dir.resolve("journal.jsonl"));
    assertThat(line).endsWith("}\n").doesNotContain("\n{");
    assertThat(line)
        .contains(
            "\"slot\":\"2026-11-29T06:00Z\"",
            "\"domain\":\"example.gov.uk\"",
            "\"sent_at\":\"2026-11-29T06:00:01Z\"",
            "\"message_id\":",
            "\"outcome\":\"sent\"",
            "\"tls_protocol\":\"TLSv1.3\"",
            "\"tls_cipher\":\"TLS_AES_256_GCM_SHA384\"",
            "\"dkim\":\"signed\"",
            "\"error\":null");
  }

  @Test
  void whatIsWrittenReadsBackTheSame() throws Exception {
    Journal journal = new Journal(dir);
    JournalEntry a = entry("a.gov.uk", Outcome.RETRYING);
    JournalEntry b = entry("b.gov.uk", Outcome.SENT);
    journal.append(a);
    journal.append(b);

    assertThat(journal.read().entries()).containsExactly(a, b);
  }

  @Test
  void aTornLastLineAfterACrashIsSkippedAndCountedNotFatal() throws Exception {
    Journal journal = new Journal(dir);
    journal.append(entry("a.gov.uk", Outcome.SENT));
    Files.writeString(
        dir.resolve("journal.jsonl"),
        "{\"slot\":\"2026-11-29T06:00Z\",\"dom",
        StandardOpenOption.APPEND);

    Journal.Contents contents = journal.read();
    assertThat(contents.entries()).hasSize(1);
    assertThat(contents.unreadableLines()).isEqualTo(1);
  }

  @Test
  void anEntryAppendedAfterATornLineStartsOnItsOwnLine() throws Exception {
    Journal journal = new Journal(dir);
    journal.append(entry("a.gov.uk", Outcome.SENT));
    Files.writeString(
        dir.resolve("journal.jsonl"),
        "{\"slot\":\"2026-11-29T06:00Z\",\"dom",
        StandardOpenOption.APPEND);

    journal.append(entry("b.gov.uk", Outcome.SENT));

    Journal.Contents contents = journal.read();
    assertThat(contents.entries())
        .extracting(JournalEntry::domain)
        .containsExactly("a.gov.uk", "b.gov.uk");
    assertThat(contents.unreadableLines()).isEqualTo(1);
  }

  @Test
  void anAbsentJournalIsEmpty() throws Exception {
    assertThat(new Journal(dir.resolve("none")).read().entries()).isEmpty();
  }
}
