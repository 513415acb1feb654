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

  /** A base64 value with its folding whitespace removed. */
  public static String base64(String value) {
    return value.replaceAll("[ \t\r\n]", "");
  }
}
