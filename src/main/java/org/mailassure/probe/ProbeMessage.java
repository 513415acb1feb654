package org.mailassure.probe;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

/**
 * Composes the probe email of SPEC.md: from the domain's sender to the assessment address, a Date,
 * a Message-ID in the domain that carries the slot (so a receiver can de-duplicate retries of one
 * slot), the configured subject and a short plain-text body. The message is fixed but for the
 * subject, so it is written directly (the headers in the order Jakarta Mail writes them); loading
 * Jakarta Mail and its activation framework for it cost the Graph daemon 125 classes. Stateless.
 */
public final class ProbeMessage {
  private static final DateTimeFormatter RFC5322 =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);
  private static final DateTimeFormatter SLOT_KEY =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneId.of("UTC"));
  private static final DateTimeFormatter SUBJECT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx", Locale.ROOT);

  private ProbeMessage() {}

  /** The Message-ID of a domain's probe for a slot: the same for every retry of that slot. */
  public static String messageId(String domain, Instant slot) {
    return "<mailassure." + SLOT_KEY.format(slot) + "@" + domain + ">";
  }

  /**
   * The probe's MIME bytes, CRLF line ends, unsigned.
   *
   * @param slot the scheduled instant this probe stands for
   * @param now when it is composed (its Date header)
   */
  public static byte[] compose(
      String domain,
      String sender,
      String recipient,
      String subjectTemplate,
      Instant slot,
      Instant now,
      ZoneId zone,
      String version) {
    ZonedDateTime slotTime = slot.atZone(zone);
    String subject =
        subjectTemplate
            .replace("{domain}", domain)
            .replace("{time}", SUBJECT_TIME.format(slotTime));
    String body =
        String.join(
            "\r\n",
            "This is an automated email security probe.",
            "",
            "Domain:  " + domain,
            "Slot:    " + slotTime.toOffsetDateTime(),
            "Sent by: mailassure " + version,
            "",
            "It is sent on a schedule from every email domain of this organisation to the",
            "email assessment service, to show that outbound mail leaves over TLS and is",
            "DKIM-signed, as the gov.uk guidance \"Set up government email services",
            "securely\" asks.",
            "No reply is needed.",
            "");
    StringBuilder m = new StringBuilder(1024);
    header(m, "Date", RFC5322.format(now.atZone(zone)));
    header(m, "From", address(sender));
    header(m, "To", address(recipient));
    header(m, "Message-ID", messageId(domain, slot));
    m.append(subjectHeader(subject));
    header(m, "MIME-Version", "1.0");
    header(m, "Content-Type", "text/plain; charset=us-ascii");
    header(m, "Content-Transfer-Encoding", "7bit");
    header(m, "X-Mailer", "mailassure " + version);
    m.append("\r\n").append(body);
    return m.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void header(StringBuilder m, String name, String value) {
    m.append(name).append(": ").append(value).append("\r\n");
  }

  /** A validated address as it goes in a header: ASCII, no display name. */
  private static String address(String a) {
    if (!printableAscii(a) || a.indexOf(' ') >= 0 || a.indexOf('@') <= 0) {
      throw new IllegalArgumentException("not a plain ASCII email address: " + a);
    }
    return a;
  }

  /**
   * The Subject field with its line end: printable ASCII as it is, folded at spaces before 78
   * characters (RFC 5322 section 2.2.3); anything else, and text holding "=?" or with spaces at
   * either end, as RFC 2047 encoded words of UTF-8 in base64, each at most 75 characters and on a
   * line of its own, split between characters.
   */
  private static String subjectHeader(String subject) {
    StringBuilder out = new StringBuilder("Subject:");
    // Plain text unless it holds "=?" or starts or ends with a space: readers decode anything
    // shaped like an encoded word (RFC 2047 section 6.1), so "=?utf-8?q?a_b?=" would be shown as
    // "a b", and they drop the spaces after the colon (servers may drop those at a line's end);
    // encoded, it reads as written.
    if (printableAscii(subject)
        && !subject.contains("=?")
        && !subject.startsWith(" ")
        && !subject.endsWith(" ")) {
      int lineLength = out.length();
      for (String word : subject.split(" ", -1)) {
        if (lineLength > "Subject:".length() && lineLength + 1 + word.length() > 78) {
          out.append("\r\n");
          lineLength = 0;
        }
        out.append(' ').append(word);
        lineLength += 1 + word.length();
      }
      return out.append("\r\n").toString();
    }
    // 39 bytes of UTF-8 make 52 of base64: "=?UTF-8?B?" + 52 + "?=" is 64 characters, 73 on
    // the first line after "Subject: ".
    int i = 0;
    while (i < subject.length()) {
      int end = i;
      int bytes = 0;
      while (end < subject.length()) {
        int cp = subject.codePointAt(end);
        int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (bytes + n > 39) {
          break;
        }
        bytes += n;
        end += Character.charCount(cp);
      }
      byte[] chunk = subject.substring(i, end).getBytes(StandardCharsets.UTF_8);
      if (i > 0) {
        out.append("\r\n");
      }
      out.append(" =?UTF-8?B?").append(Base64.getEncoder().encodeToString(chunk)).append("?=");
      i = end;
    }
    return out.append("\r\n").toString();
  }

  private static boolean printableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
