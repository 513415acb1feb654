package org.mailassure.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The textfile the daemon writes, read as the README's alerts read it: a staleness alert ({@code
 * time() - X > limit}) fires only on a series that is there, so "never" must be a sample, 0.
 */
class MetricsTest {
  @TempDir Path dir;

  @Test
  void aDomainAndAMailboxNeverProvenAreZeroAndAMailboxNeverWrittenToHasNoLastReply()
      throws Exception {
    Metrics.write(
        dir,
        JournalState.empty(),
        List.of("new.example.gov.uk"),
        Instant.parse("2026-12-08T06:00:00Z"),
        true,
        List.of(
            new Metrics.Mailbox(
                "new.example.gov.uk", "secureemailreply@new.example.gov.uk", null, null, 0)));

    String prom = Files.readString(dir.resolve("mailassure.prom"));
    assertThat(prom)
        .contains(
            "mailassure_probe_last_success_timestamp_seconds{domain=\"new.example.gov.uk\"} 0\n")
        .contains(
            "mailassure_reply_last_look_timestamp_seconds{domain=\"new.example.gov.uk\","
                + "mailbox=\"secureemailreply@new.example.gov.uk\"} 0\n")
        .doesNotContain("mailassure_reply_last_success_timestamp_seconds{")
        .contains("mailassure_next_slot_timestamp_seconds 1796709600\n");
  }
}
