package org.mailassure.probe;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The probe as written by {@link ProbeMessage}, judged by Jakarta Mail, an independent MIME
 * implementation: for an ASCII subject it is the very message Jakarta Mail composes from the same
 * parts, and any subject reads back unchanged through Jakarta Mail's parser.
 */
class ProbeMessageTest {
  private static final Session SESSION = Session.getInstance(new Properties());
  private static final Instant SLOT = Instant.parse("2026-11-29T06:00:00Z");
  private static final Instant NOW = Instant.parse("2026-11-29T06:00:07Z");
  private static final ZoneId LONDON = ZoneId.of("Europe/London");

  private static byte[] probe(String subject) {
    return ProbeMessage.compose(
        "example.gov.uk",
        "secureemailreply@example.gov.uk",
        "emailsecurity@domaininformation.service.gov.uk",
        subject,
        SLOT,
        NOW,
        LONDON,
        "1.2.3");
  }

  @Test
  void anAsciiProbeIsTheMessageJakartaMailComposesFromTheSameParts() throws Exception {
    byte[] ours = probe("mailassure probe {domain} {time}");

    MimeMessage theirs =
        new MimeMessage(SESSION) {
          @Override
          protected void updateMessageID() throws jakarta.mail.MessagingException {
            setHeader("Message-ID", "<mailassure.20261129T060000Z@example.gov.uk>");
          }
        };
    theirs.setFrom(new InternetAddress("secureemailreply@example.gov.uk", true));
    theirs.setRecipient(
        jakarta.mail.Message.RecipientType.TO,
        new InternetAddress("emailsecurity@domaininformation.service.gov.uk", true));
    theirs.setSubject("mailassure probe example.gov.uk 2026-11-29 06:00 +00:00", "UTF-8");
    theirs.setHeader("Date", "Sun, 29 Nov 2026 06:00:07 +0000");
    theirs.setText(body(ours), "us-ascii");
    theirs.setHeader("Content-Transfer-Encoding", "7bit");
    theirs.setHeader("X-Mailer", "mailassure 1.2.3");
    theirs.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    theirs.writeTo(out);

    assertThat(new String(ours, StandardCharsets.US_ASCII))
        .isEqualTo(out.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void aSubjectOutsideAsciiIsEncodedSoThatJakartaMailReadsItBackUnchanged() throws Exception {
    String subject =
        "Prüfung für {domain}: ça marche — 電子メールの安全性 ✓ "
            + "a long subject that needs more than one encoded word to carry it";
    byte[] ours = probe(subject);

    MimeMessage parsed = new MimeMessage(SESSION, new ByteArrayInputStream(ours));

    assertThat(parsed.getSubject()).isEqualTo(subject.replace("{domain}", "example.gov.uk"));
    assertEveryLineEndsWithCrlfWithin78Characters(ours);
  }

  @Test
  void aLongAsciiSubjectIsFoldedAtSpacesAndReadsBackUnchanged() throws Exception {
    String subject = "probe ".repeat(30).strip();
    byte[] ours = probe(subject);

    MimeMessage parsed = new MimeMessage(SESSION, new ByteArrayInputStream(ours));

    assertThat(parsed.getSubject()).isEqualTo(subject);
    assertEveryLineEndsWithCrlfWithin78Characters(ours);
  }

  @Test
  void theHeadersJakartaMailReadsAreTheProbesParts() throws Exception {
    MimeMessage parsed = new MimeMessage(SESSION, new ByteArrayInputStream(probe("s")));

    assertThat(parsed.getFrom())
        .extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("secureemailreply@example.gov.uk");
    assertThat(parsed.getAllRecipients())
        .extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("emailsecurity@domaininformation.service.gov.uk");
    assertThat(parsed.getMessageID()).isEqualTo("<mailassure.20261129T060000Z@example.gov.uk>");
    assertThat(parsed.getSentDate().toInstant()).isEqualTo(NOW);
    assertThat(parsed.getContentType()).isEqualTo("text/plain; charset=us-ascii");
    assertThat((String) parsed.getContent()).contains("Domain:  example.gov.uk");
  }

  private static String body(byte[] message) {
    String s = new String(message, StandardCharsets.US_ASCII);
    return s.substring(s.indexOf("\r\n\r\n") + 4);
  }

  private static void assertEveryLineEndsWithCrlfWithin78Characters(byte[] message) {
    String s = new String(message, StandardCharsets.US_ASCII);
    assertThat(s).endsWith("\r\n").doesNotContain("\r\r").doesNotContainPattern("[^\r]\n");
    for (String line : s.split("\r\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
    }
  }
}
