package org.mailassure.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailassure.config.YamlNode.Entry;
import org.mailassure.config.YamlNode.Location;

/**
 * The YAML configs are nearly always written in, read without SnakeYAML: indented mappings and
 * lists, keys that are words, values that are plain or quoted text on one line or a list or mapping
 * in brackets on one line, and comments. For such a file it gives exactly the tree, null values and
 * locations that {@link SnakeYamlReader} gives (a test sets the two side by side on every config
 * the tests use and on thousands of generated ones); for anything else it gives null, and SnakeYAML
 * reads the file: anchors, aliases, tags, multi-line or block text, escapes, tabs, carriage
 * returns, characters outside ASCII, a key twice, errors of any kind.
 *
 * <p>It exists for start-up time: SnakeYAML in a JVM that has just started read a 200-domain config
 * in a fifth of {@code validate}'s time, most of it loading and first running its classes.
 */
final class PlainYaml {
  /** Thrown where the text leaves the plain form; carries nothing, costs nothing to make. */
  private static final class NotPlain extends RuntimeException {
    private static final NotPlain INSTANCE = new NotPlain();

    private NotPlain() {
      super(null, null, false, false);
    }
  }

  /** A line holding something: its number (1-based), indentation and text after that. */
  private record Line(int number, int indent, String content) {}

  /**
   * Lists and mappings (indented or in brackets) nested deeper than this are left to SnakeYAML,
   * which refuses more than 50 with its own message; here it also keeps the recursion of a hostile
   * file bounded.
   */
  static final int MAX_DEPTH = 40;

  private final List<Line> lines = new ArrayList<>();
  private int next;
  private int depth;

  private PlainYaml() {}

  /** The document's root mapping or list, or null when the text is not in the plain form. */
  static YamlNode read(String text) {
    try {
      PlainYaml reader = new PlainYaml();
      reader.split(text);
      return reader.document();
    } catch (NotPlain e) {
      return null;
    }
  }

  private static NotPlain notPlain() {
    return NotPlain.INSTANCE;
  }

  private void split(String text) {
    int number = 0;
    int start = 0;
    int length = text.length();
    while (start <= length) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = length;
      }
      number++;
      int indent = start;
      while (indent < end && text.charAt(indent) == ' ') {
        indent++;
      }
      for (int i = indent; i < end; i++) {
        char c = text.charAt(i);
        if (c < 0x20 || c > 0x7e) {
          throw notPlain();
        }
      }
      if (indent < end && text.charAt(indent) != '#') {
        String content = text.substring(indent, end);
        if (content.startsWith("---") || content.startsWith("...") || content.startsWith("%")) {
          throw notPlain();
        }
        lines.add(new Line(number, indent - start, content));
      }
      start = end + 1;
    }
  }

  private YamlNode document() {
    if (lines.isEmpty()) {
      throw notPlain();
    }
    Line first = lines.get(0);
    if (!isItem(first.content()) && keyEnd(first.content()) < 0) {
      throw notPlain();
    }
    YamlNode root = block(first.indent());
    if (next != lines.size()) {
      throw notPlain();
    }
    return root;
  }

  private YamlNode block(int indent) {
    return isItem(lines.get(next).content()) ? sequence(indent) : mapping(indent);
  }

  /** One list or mapping deeper; past {@link #MAX_DEPTH} the file is left to SnakeYAML. */
  private static int deeper(int depth) {
    if (depth >= MAX_DEPTH) {
      throw notPlain();
    }
    return depth + 1;
  }

  private static boolean isItem(String content) {
    return content.equals("-") || content.startsWith("- ");
  }

  /**
   * Where a line's leading key ends (the index of its ':'), or -1 if it does not start with one.
   */
  private static int keyEnd(String content) {
    return keyEnd(content, 0);
  }

  /**
   * Where a key starting at {@code from} ends (the index of its ':', followed by a space or the end
   * of the text), or -1 if no key starts there.
   */
  private static int keyEnd(String content, int from) {
    int i = from;
    while (i < content.length() && isKeyChar(content.charAt(i))) {
      i++;
    }
    if (i == from || i == content.length() || content.charAt(i) != ':') {
      return -1;
    }
    char first = content.charAt(from);
    if (first == '-' || first == '.') {
      return -1;
    }
    return i + 1 == content.length() || content.charAt(i + 1) == ' ' ? i : -1;
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.';
  }

  private YamlNode.Mapping mapping(int indent) {
    depth = deeper(depth);
    Map<String, Entry> entries = new LinkedHashMap<>();
    Location at = null;
    while (next < lines.size()
        && lines.get(next).indent() == indent
        && !isItem(lines.get(next).content())) {
      Line line = lines.get(next);
      int colon = keyEnd(line.content());
      if (colon < 0) {
        throw notPlain();
      }
      String key = line.content().substring(0, colon);
      Location keyAt = new Location(line.number(), indent + 1);
      if (at == null) {
        at = keyAt;
      }
      next++;
      YamlNode value = inline(line, colon + 1, depth);
      if (value == null) {
        value = nested(line, indent, indent + colon + 1, true);
      } else if (next < lines.size() && lines.get(next).indent() > indent) {
        throw notPlain();
      }
      if (entries.putIfAbsent(key, new Entry(key, keyAt, value)) != null) {
        throw notPlain();
      }
    }
    if (at == null) {
      throw notPlain();
    }
    depth--;
    return new YamlNode.Mapping(entries, at);
  }

  private YamlNode.Sequence sequence(int indent) {
    depth = deeper(depth);
    List<YamlNode> items = new ArrayList<>();
    Location at = null;
    while (next < lines.size()
        && lines.get(next).indent() == indent
        && isItem(lines.get(next).content())) {
      Line line = lines.get(next);
      if (at == null) {
        at = new Location(line.number(), indent + 1);
      }
      String content = line.content();
      int start = 1;
      while (start < content.length() && content.charAt(start) == ' ') {
        start++;
      }
      String rest = content.substring(start);
      if (isItem(rest)) {
        throw notPlain();
      }
      if (keyEnd(rest) >= 0) {
        // "- key: value": a mapping whose keys line up with this one.
        lines.set(next, new Line(line.number(), indent + start, rest));
        items.add(mapping(indent + start));
        continue;
      }
      next++;
      YamlNode value = inline(line, 1, depth);
      if (value == null) {
        value = nested(line, indent, indent + 1, false);
      } else if (next < lines.size() && lines.get(next).indent() > indent) {
        throw notPlain();
      }
      items.add(value);
    }
    depth--;
    return new YamlNode.Sequence(items, at);
  }

  /**
   * The value of a key or list item that has nothing after it on its line: the indented block that
   * follows (or, for a key, a list at the key's own indentation), else nothing, located where
   * SnakeYAML puts an empty value: just after the ':' or '-'.
   */
  private YamlNode nested(Line line, int indent, int emptyColumn, boolean ofKey) {
    if (next < lines.size()) {
      Line following = lines.get(next);
      if (following.indent() > indent) {
        return block(following.indent());
      }
      if (ofKey && following.indent() == indent && isItem(following.content())) {
        return sequence(indent);
      }
    }
    return new YamlNode.Scalar("", true, new Location(line.number(), emptyColumn + 1));
  }

  /**
   * The value written on the line from {@code from} (an index into its content), or null when
   * nothing but spaces and a comment follows.
   */
  private static YamlNode inline(Line line, int from, int depth) {
    String s = line.content();
    int i = skipSpaces(s, from);
    if (i == s.length() || s.charAt(i) == '#') {
      return null;
    }
    if (i == from) {
      throw notPlain();
    }
    Cursor c = new Cursor(line, i, depth);
    YamlNode value;
    char first = s.charAt(i);
    if (first == '[' || first == '{') {
      value = c.flow();
    } else if (first == '\'' || first == '"') {
      value = c.quoted();
    } else {
      return c.blockPlain();
    }
    c.endOfLine();
    return value;
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  /** Characters that may not start plain text (YAML's indicators). */
  private static boolean isIndicator(char c) {
    return "-?:,[]{}#&*!|>'\"%@`".indexOf(c) >= 0;
  }

  private static YamlNode.Scalar plainScalar(String text, Location at) {
    boolean isNull =
        text.equals("~") || text.equals("null") || text.equals("Null") || text.equals("NULL");
    return new YamlNode.Scalar(isNull ? "" : text, isNull, at);
  }

  /** A position in one line's content, reading values that stay on that line. */
  private static final class Cursor {
    private final Line line;
    private final String s;
    private int i;
    private int depth;

    Cursor(Line line, int i, int depth) {
      this.line = line;
      this.s = line.content();
      this.i = i;
      this.depth = depth;
    }

    private Location here() {
      return new Location(line.number(), line.indent() + i + 1);
    }

    /** Nothing but spaces, then the end of the line or a comment, may follow a value. */
    void endOfLine() {
      int j = skipSpaces(s, i);
      if (j < s.length() && (j == i || s.charAt(j) != '#')) {
        throw notPlain();
      }
    }

    YamlNode.Scalar blockPlain() {
      Location at = here();
      if (isIndicator(s.charAt(i))) {
        throw notPlain();
      }
      int end = s.indexOf(" #", i);
      if (end < 0) {
        end = s.length();
      }
      String text = s.substring(i, end).stripTrailing();
      if (text.contains(": ") || text.endsWith(":")) {
        throw notPlain();
      }
      i = end;
      return plainScalar(text, at);
    }

    YamlNode.Scalar quoted() {
      Location at = here();
      char quote = s.charAt(i);
      StringBuilder text = new StringBuilder();
      int j = i + 1;
      while (true) {
        if (j >= s.length()) {
          throw notPlain();
        }
        char c = s.charAt(j);
        if (c == quote) {
          if (quote == '\'' && j + 1 < s.length() && s.charAt(j + 1) == '\'') {
            text.append('\'');
            j += 2;
            continue;
          }
          break;
        }
        if (c == '\\' && quote == '"') {
          throw notPlain();
        }
        text.append(c);
        j++;
      }
      i = j + 1;
      return new YamlNode.Scalar(text.toString(), false, at);
    }

    YamlNode flow() {
      depth = deeper(depth);
      YamlNode node = s.charAt(i) == '[' ? flowSequence() : flowMapping();
      depth--;
      return node;
    }

    private YamlNode.Sequence flowSequence() {
      Location at = here();
      List<YamlNode> items = new ArrayList<>();
      if (!opened(']')) {
        do {
          items.add(flowValue());
        } while (!closedAfterItem(']'));
      }
      return new YamlNode.Sequence(items, at);
    }

    private YamlNode.Mapping flowMapping() {
      Location at = here();
      Map<String, Entry> entries = new LinkedHashMap<>();
      if (!opened('}')) {
        do {
          Location keyAt = here();
          int colon = keyEnd(s, i);
          if (colon < 0 || colon + 1 >= s.length()) {
            throw notPlain();
          }
          String key = s.substring(i, colon);
          i = skipSpaces(s, colon + 1);
          YamlNode value = flowValue();
          if (entries.putIfAbsent(key, new Entry(key, keyAt, value)) != null) {
            throw notPlain();
          }
        } while (!closedAfterItem('}'));
      }
      return new YamlNode.Mapping(entries, at);
    }

    /**
     * Steps over the opening bracket and the spaces after it; true when the bracket closes at once
     * (an empty list or mapping), the closing one stepped over too.
     */
    private boolean opened(char close) {
      i = skipSpaces(s, i + 1);
      if (i < s.length() && s.charAt(i) == close) {
        i++;
        return true;
      }
      return false;
    }

    /**
     * After an item: true at the closing bracket, false after a comma (and the spaces after it),
     * each stepped over; anything else is not the plain form.
     */
    private boolean closedAfterItem(char close) {
      i = skipSpaces(s, i);
      if (i >= s.length()) {
        throw notPlain();
      }
      char c = s.charAt(i++);
      if (c == close) {
        return true;
      }
      if (c != ',') {
        throw notPlain();
      }
      i = skipSpaces(s, i);
      return false;
    }

    /** A value inside brackets: a nested list or mapping, quoted text, or plain text. */
    private YamlNode flowValue() {
      if (i >= s.length()) {
        throw notPlain();
      }
      char c = s.charAt(i);
      if (c == '[' || c == '{') {
        return flow();
      }
      if (c == '\'' || c == '"') {
        return quoted();
      }
      if (isIndicator(c)) {
        throw notPlain();
      }
      Location at = here();
      int j = i;
      // SnakeYAML ends plain text inside brackets at '?' too.
      while (j < s.length() && ",[]{}:#?".indexOf(s.charAt(j)) < 0) {
        j++;
      }
      if (j < s.length() && s.charAt(j) != ',' && s.charAt(j) != ']' && s.charAt(j) != '}') {
        throw notPlain();
      }
      String text = s.substring(i, j).stripTrailing();
      i = j;
      return plainScalar(text, at);
    }
  }
}
