package org.mailassure.probe.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.mailassure.config.DkimKey;

/**
 * Signs a message with one DKIM-Signature per key (RFC 6376; Ed25519 per RFC 8463):
 * relaxed/relaxed, the whole body (never {@code l=}), over the probe's identifying headers.
 * Immutable and thread-safe.
 */
public final class DkimSigner {
  /** The header fields signed when present; SPEC.md requires at least the first seven. */
  public static final List<String> SIGNED_HEADERS =
      List.of(
          "from",
          "to",
          "subject",
          "date",
          "message-id",
          "mime-version",
          "content-type",
          "content-transfer-encoding");

  private static final int B_LINE = 72;

  private final String domain;
  private final List<DkimKey> keys;

  public DkimSigner(String domain, List<DkimKey> keys) {
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.keys = List.copyOf(keys);
  }

  /** The message with its DKIM-Signature fields prepended, one per key, in key order. */
  public byte[] sign(byte[] message, Instant now) {
    MessageParts parts = MessageParts.parse(message);
    List<String> names = new ArrayList<>();
    for (String name : SIGNED_HEADERS) {
      if (parts.headerFields().stream().anyMatch(f -> MessageParts.nameOf(f).equals(name))) {
        names.add(name);
      }
    }
    if (!names.contains("from")) {
      throw new IllegalArgumentException(
          "a message without From cannot be DKIM-signed (RFC 6376 section 5.4)");
    }
    String bodyHash =
        Base64.getEncoder()
            .encodeToString(DkimCrypto.sha256(Canonicalization.RELAXED.body(parts.body())));
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 1024 * keys.size());
    for (DkimKey key : keys) {
      String unsigned =
          "DKIM-Signature: v=1; a="
              + key.algorithm().tagValue()
              + "; c=relaxed/relaxed;\r\n"
              + "\td="
              + domain
              + "; s="
              + key.selector()
              + "; t="
              + now.getEpochSecond()
              + ";\r\n"
              + "\th="
              + String.join(":", names)
              + ";\r\n"
              + "\tbh="
              + bodyHash
              + ";\r\n"
              + "\tb=";
      byte[] data = HeaderHashInput.of(parts, names, unsigned, Canonicalization.RELAXED);
      String b =
          Base64.getEncoder()
              .encodeToString(DkimCrypto.sign(key.algorithm(), key.privateKey(), data));
      out.writeBytes((unsigned + fold(b) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    for (String field : parts.headerFields()) {
      out.writeBytes(field.getBytes(StandardCharsets.ISO_8859_1));
      out.write('\r');
      out.write('\n');
    }
    out.write('\r');
    out.write('\n');
    out.writeBytes(parts.body());
    return out.toByteArray();
  }

  private static String fold(String base64) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < base64.length(); i += B_LINE) {
      if (i > 0) {
        b.append("\r\n\t ");
      }
      b.append(base64, i, Math.min(base64.length(), i + B_LINE));
    }
    return b.toString();
  }
}
