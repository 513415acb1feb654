package org.mailassure.probe.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The data a DKIM signature covers (RFC 6376 section 3.7): the selected header fields,
 * canonicalized, each ending in CRLF, then the DKIM-Signature field itself with an empty {@code b=}
 * and without its final CRLF. Shared by signer and verifier so both hash the same bytes.
 */
public final class HeaderHashInput {
  private HeaderHashInput() {}

  public static byte[] of(
      MessageParts message,
      List<String> signedNames,
      String signatureField,
      Canonicalization canonicalization) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String field : message.select(signedNames)) {
      out.writeBytes(canonicalization.header(field).getBytes(StandardCharsets.ISO_8859_1));
      out.write('\r');
      out.write('\n');
    }
    out.writeBytes(
        canonicalization.header(withEmptyB(signatureField)).getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  /** The field with the value of its {@code b=} tag deleted, everything else kept as written. */
  public static String withEmptyB(String field) {
    int colon = field.indexOf(':');
    String[] parts = field.substring(colon + 1).split(";", -1);
    StringBuilder b = new StringBuilder(field.substring(0, colon + 1));
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      int eq = part.indexOf('=');
      if (eq >= 0 && part.substring(0, eq).strip().equals("b")) {
        part = part.substring(0, eq + 1);
      }
      b.append(part);
      if (i < parts.length - 1) {
        b.append(';');
      }
    }
    return b.toString();
  }
}
