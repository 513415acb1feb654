package org.mailassure.probe.dkim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DKIM tag-value list (RFC 6376 section 3.2): {@code tag=value; tag=value}. Folding whitespace
 * around tags and values is dropped; a tag given twice makes the list invalid.
 */
public final class TagList {
  private TagList() {}

  /** The tags in order; throws IllegalArgumentException when a tag repeats or lacks '='. */
  public static Map<String, String> parse(String text) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String part : text.split(";")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("'" + p + "' is not tag=value");
      }
      String name = p.substring(0, eq).strip();
      String value = p.substring(eq + 1).replaceAll("[ \t\r\n]+", " ").strip();
      if (tags.put(name, value) != null) {
        throw new IllegalArgumentException("the tag " + name + " appears twice");
      }
    }
    return tags;
  }

  /**
   * A DKIM tag-list (a key record, a signature): as {@link #parse}, and each tag's name must be
   * what RFC 6376 section 3.2's grammar allows, {@code tag-name = ALPHA *ALNUMPUNC} (letters,
   * digits, '_'); a key record that does not follow the grammar is one verifiers ignore (section
   * 6.1.2, a key syntax error), as dkimpy does.
   */
  public static Map<String, String> parseDkim(String text) {
    Map<String, String> tags = parse(text);
    for (String name : tags.keySet()) {
      if (!TAG_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            name.isEmpty()
                ? "a tag has no name before its '='"
                : "'" + name + "' is not a tag name (a letter, then letters, digits or '_')");
      }
    }
    return tags;
  }

  private static final java.util.regex.Pattern TAG_NAME =
      java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  /** A base64 value with its folding whitespace removed. */
  public static String base64(String value) {
    return value.replaceAll("[ \t\r\n]", "");
  }
}
