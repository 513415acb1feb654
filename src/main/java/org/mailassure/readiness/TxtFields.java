package org.mailassure.readiness;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a TXT record in the shape that MTA-STS (RFC 8461 section 3.1) and TLS-RPT (RFC 8460
 * section 3) share:
 *
 * <pre>
 * record      = version 1*(field-delim field) [field-delim]
 * field-delim = *WSP ";" *WSP
 * field       = name "=" value
 * name        = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 * ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
 * </pre>
 *
 * A field's value runs to the next ';' (neither grammar lets one into a value), without the spaces
 * before it; each record's own fields ({@code id=}, {@code rua=}) check their values themselves.
 */
final class TxtFields {
  private TxtFields() {}

  record Field(String name, String value) {}

  /**
   * The fields after {@code version}, in order; an IllegalArgumentException whose message says, in
   * words, where the record leaves the grammar.
   */
  static List<Field> parse(String record, String version) {
    if (!record.startsWith(version)) {
      throw new IllegalArgumentException("it does not start with " + version);
    }
    List<Field> fields = new ArrayList<>();
    int n = record.length();
    int i = version.length();
    while (true) {
      int j = skipWsp(record, i);
      if (j == n) {
        return fields;
      }
      if (record.charAt(j) != ';') {
        throw new IllegalArgumentException(
            "fields are separated by ';', and '" + shown(record.substring(j)) + "' is not");
      }
      i = skipWsp(record, j + 1);
      if (i == n) {
        return fields;
      }
      if (record.charAt(i) == ';') {
        throw new IllegalArgumentException("it has an empty field (';;')");
      }
      int nameEnd = i;
      while (nameEnd < n && nameChar(record.charAt(nameEnd))) {
        nameEnd++;
      }
      String name = record.substring(i, nameEnd);
      if (name.isEmpty() || !letterOrDigit(name.charAt(0)) || name.length() > 32) {
        int end = record.indexOf(';', i);
        throw new IllegalArgumentException(
            "'"
                + shown(record.substring(i, end < 0 ? n : end).strip())
                + "' is not a field name (a letter or digit, then at most 31 letters, digits, '_',"
                + " '-' or '.')");
      }
      if (nameEnd == n || record.charAt(nameEnd) != '=') {
        boolean space =
            nameEnd < n && (record.charAt(nameEnd) == ' ' || record.charAt(nameEnd) == '\t');
        throw new IllegalArgumentException(
            "the field '"
                + name
                + "' has no '=' right after its name ("
                + (space ? "no space is allowed there" : "it must be name=value")
                + ")");
      }
      int valueEnd = record.indexOf(';', nameEnd + 1);
      valueEnd = valueEnd < 0 ? n : valueEnd;
      while (valueEnd > nameEnd + 1
          && (record.charAt(valueEnd - 1) == ' ' || record.charAt(valueEnd - 1) == '\t')) {
        valueEnd--;
      }
      fields.add(new Field(name, record.substring(nameEnd + 1, valueEnd)));
      i = valueEnd;
    }
  }

  /** Throws, saying why, unless the field's value is one an extension may have. */
  static void requireExtensionValue(Field f) {
    if (!extensionValue(f.value())) {
      throw new IllegalArgumentException(
          "the value of '"
              + f.name()
              + "' must be one or more visible ASCII characters other than '=' and ';'");
    }
  }

  /** An extension's value: {@code 1*(%x21-3A / %x3C / %x3E-7E)}, visible ASCII but ';' and '='. */
  private static boolean extensionValue(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e || c == ';' || c == '=') {
        return false;
      }
    }
    return true;
  }

  /** Text from a record, cut to a length a table can show. */
  static String shown(String text) {
    return org.mailassure.text.Words.cut(text, 40);
  }

  private static int skipWsp(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean letterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean nameChar(char c) {
    return letterOrDigit(c) || c == '_' || c == '-' || c == '.';
  }
}
