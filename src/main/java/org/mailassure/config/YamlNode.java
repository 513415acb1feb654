package org.mailassure.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers where it was written, so that every configuration problem can name
 * the file, line and column. Immutable.
 */
public sealed interface YamlNode {

  /** Where the node starts in the file. */
  Location location();

  /**
   * What a person would call this kind of value, for messages such as "expected a list, found a
   * mapping".
   */
  String kind();

  /** A one-based line and column. */
  record Location(int line, int column) {}

  /** A scalar: text as written, and whether YAML typed it as a string (quoted or plain text). */
  record Scalar(String text, boolean isNull, Location location) implements YamlNode {
    @Override
    public String kind() {
      return isNull ? "nothing" : "a value";
    }
  }

  /** A list. */
  record Sequence(List<YamlNode> items, Location location) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A mapping; keys keep their order and their own locations. */
  record Mapping(Map<String, Entry> entries, Location location) implements YamlNode {
    public Mapping {
      entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** One key of a mapping, with the location of the key itself. */
  record Entry(String key, Location keyLocation, YamlNode value) {}
}
