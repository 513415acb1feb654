package org.mailassure.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class JournalLinesTest {

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
  void anEntryIsOneJsonObjectOnOneLineWithTheSpecFields() throws Exception {
    String line = JournalLines.toJson(entry("example.gov.uk", Outcome.SENT));

    assertThat(line).startsWith("{").endsWith("}").doesNotContain("\n");
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
    JournalEntry a = entry("a.gov.uk", Outcome.RETRYING);

    assertThat(JournalLines.fromJson(JournalLines.toJson(a))).isEqualTo(a);
  }

  @Test
  void aLineCutShortIsNotAnEntry() {
    assertThatThrownBy(() -> JournalLines.fromJson("{\"slot\":\"2026-11-29T06:00Z\",\"dom"))
        .isInstanceOf(java.io.IOException.class);
  }
}
