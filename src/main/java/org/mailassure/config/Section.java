package org.mailassure.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mailassure.config.YamlNode.Entry;
import org.mailassure.config.YamlNode.Location;
import org.mailassure.config.YamlNode.Mapping;
import org.mailassure.config.YamlNode.Scalar;
import org.mailassure.config.YamlNode.Sequence;

/**
 * One mapping of the config being read: typed getters that report a problem (with the key's path,
 * line and column) and return the default instead of throwing, so reading goes on and every problem
 * in the file is found in one pass. Unknown keys are reported with a suggestion.
 */
final class Section {
  /** Keys that would put a secret in the file; each names the key to use instead. */
  private static final Map<String, String> INLINE_SECRETS =
      Map.of(
          "client-secret", "client-secret-file",
          "password", "password-file",
          "token", "token-file' or 'token-env",
          "secret", "client-secret-file",
          "private-key", "private-key-file",
          "certificate", "certificate-file");

  private final Problems problems;
  private final String path;
  private final Mapping mapping;
  private final boolean foreign;

  Section(Problems problems, String path, Mapping mapping, Set<String> known) {
    this.problems = problems;
    this.path = path;
    this.mapping = mapping;
    // A loop, not a stream: every section of every domain comes here, and the first stream or
    // lambda of a run costs milliseconds of start-up (README, Benchmarks).
    List<Entry> unknown = new ArrayList<>();
    for (Entry e : mapping.entries().values()) {
      if (!known.contains(e.key())) {
        unknown.add(e);
      }
    }
    foreign = path.isEmpty() && unknown.size() >= 2 && unknown.size() == mapping.entries().size();
    if (foreign) {
      // Not one key of the file is a config key: another file was named, most likely.
      problems.add(
          unknown.get(0).keyLocation(),
          "",
          "this does not look like a mailassure config: none of its "
              + unknown.size()
              + " top-level keys is one of mailassure's",
          "name the config file with -c (known keys at the top level are: "
              + String.join(", ", known.stream().sorted().toList())
              + ")");
      return;
    }
    for (Entry e : unknown) {
      reportUnknown(e, known);
    }
  }

  /**
   * Whether this is a file's top level of which no key is mailassure's: another file named, most
   * likely, so nothing else it lacks is worth reporting.
   */
  boolean foreign() {
    return foreign;
  }

  /**
   * Reads {@code node} as a section when it is a mapping; reports it and returns null otherwise.
   */
  static Section of(Problems problems, String path, YamlNode node, Set<String> known) {
    if (node instanceof Mapping m) {
      return new Section(problems, path, m, known);
    }
    problems.add(
        node.location(),
        path,
        "expected a mapping of keys, found " + node.kind(),
        path.isEmpty()
            ? "a config is keys such as 'probe:' and 'domains:' (see "
                + ExampleConfig.path()
                + "); is this the config file?"
            : "write the keys of '" + path + "' indented below it");
    return null;
  }

  private void reportUnknown(Entry e, Set<String> known) {
    String key = keyPath(e.key());
    String secretKey = INLINE_SECRETS.get(e.key());
    if (secretKey != null && known.stream().anyMatch(k -> k.startsWith(e.key()))) {
      problems.add(
          e.keyLocation(),
          key,
          "secrets are never written in the config file",
          "put the secret in a file readable only by mailassure and name it with '"
              + secretKey
              + "'");
      return;
    }
    if (!looksLikeAKey(e.key())) {
      // A line of some other file given as the config (a password file, a key): never echoed.
      problems.add(
          e.keyLocation(),
          path,
          "a key of "
              + e.key().length()
              + " characters that is not a key name (not shown; is this the config file?)",
          "known keys here are: " + String.join(", ", known.stream().sorted().toList()));
      return;
    }
    String suggestion = closest(e.key(), known);
    problems.add(
        e.keyLocation(),
        key,
        "unknown key '" + e.key() + "'",
        suggestion != null
            ? "did you mean '" + suggestion + "'?"
            : "known keys here are: " + String.join(", ", known.stream().sorted().toList()));
  }

  /**
   * Whether an unknown key may be shown in a message: up to 64 letters, digits, spaces and {@code -
   * _ . @ /}, as a misspelt key is. A line of {@code /etc/shadow} or a secret file read as YAML
   * (one long scalar with {@code :} and {@code $} in it) is not, and is never echoed.
   */
  static boolean looksLikeAKey(String key) {
    if (key.isEmpty() || key.length() > 64) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == ' '
              || c == '-'
              || c == '_'
              || c == '.'
              || c == '@'
              || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The known key nearest to a misspelt one, or null when none is near. */
  static String closest(String key, Set<String> known) {
    String flat = flatten(key);
    for (String k : known) {
      if (flatten(k).equals(flat)) {
        return k;
      }
    }
    return known.stream()
        .filter(k -> distance(k, key) <= Math.max(2, key.length() / 4))
        .min(Comparator.comparingInt((String k) -> distance(k, key)).thenComparing(k -> k))
        .orElse(null);
  }

  private static String flatten(String key) {
    return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  Problems problems() {
    return problems;
  }

  Location location() {
    return mapping.location();
  }

  String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return mapping.entries().containsKey(key);
  }

  YamlNode node(String key) {
    Entry e = mapping.entries().get(key);
    return e == null ? null : e.value();
  }

  /** Where a key's value is, or the section's own location when the key is absent. */
  Location at(String key) {
    YamlNode n = node(key);
    return n == null ? mapping.location() : n.location();
  }

  void problem(String key, String problem, String fix) {
    problems.add(at(key), keyPath(key), problem, fix);
  }

  /** A text value, or {@code fallback} when absent. Empty text counts as a problem. */
  String text(String key, String fallback) {
    YamlNode n = node(key);
    if (n == null || (n instanceof Scalar s && s.isNull())) {
      return fallback;
    }
    if (n instanceof Scalar s) {
      if (s.text().isBlank()) {
        problem(key, "is empty", "give a value or remove the key to use the default");
        return fallback;
      }
      return s.text().trim();
    }
    problem(
        key, "expected a single value, found " + n.kind(), "write it on the same line as the key");
    return fallback;
  }

  boolean bool(String key, boolean fallback) {
    String t = text(key, null);
    if (t == null) {
      return fallback;
    }
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problem(key, "expected true or false, found '" + t + "'", "write true or false");
        yield fallback;
      }
    };
  }

  int integer(String key, int fallback, int min, int max) {
    String t = text(key, null);
    if (t == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(t);
      if (v < min || v > max) {
        problem(key, t + " is out of range", "use a whole number from " + min + " to " + max);
        return fallback;
      }
      return v;
    } catch (NumberFormatException e) {
      problem(
          key,
          "expected a whole number, found '" + t + "'",
          "use a whole number from " + min + " to " + max);
      return fallback;
    }
  }

  Duration duration(String key, Duration fallback) {
    String t = text(key, null);
    if (t == null) {
      return fallback;
    }
    Duration d = Durations.parse(t);
    if (d == null && Durations.isTooLong(t)) {
      problem(
          key,
          "'" + t + "' is longer than " + Durations.format(Durations.MAX) + " (100 years)",
          "write a shorter duration: no setting needs more");
      return fallback;
    }
    if (d == null) {
      problem(
          key,
          "'" + t + "' is not a duration",
          "write e.g. 30s, 5m, 6h, 1d or ISO-8601 such as PT6H");
      return fallback;
    }
    return d;
  }

  /** An enum value by its config name. */
  <E extends Enum<E> & ConfigNamed> E choice(String key, E fallback, E[] values) {
    String t = text(key, null);
    if (t == null) {
      return fallback;
    }
    for (E v : values) {
      if (v.configName().equalsIgnoreCase(t)) {
        return v;
      }
    }
    List<String> names = new ArrayList<>();
    for (E v : values) {
      names.add(v.configName());
    }
    problem(
        key,
        "'" + t + "' is not one of " + String.join(", ", names),
        "use one of " + String.join(" | ", names));
    return fallback;
  }

  /** A list of text values; empty when absent. A single value is accepted as a list of one. */
  List<String> texts(String key) {
    YamlNode n = node(key);
    if (n == null || (n instanceof Scalar s && s.isNull())) {
      return List.of();
    }
    if (n instanceof Scalar s) {
      return List.of(s.text().trim());
    }
    if (n instanceof Sequence seq) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < seq.items().size(); i++) {
        YamlNode item = seq.items().get(i);
        if (item instanceof Scalar s && !s.isNull() && !s.text().isBlank()) {
          out.add(s.text().trim());
        } else {
          problems.add(
              item.location(),
              keyPath(key) + "[" + i + "]",
              "expected a single value, found " + item.kind(),
              "write one value per list item");
        }
      }
      return out;
    }
    problem(
        key,
        "expected a list, found " + n.kind(),
        "write a list such as [a, b] or one '- item' per line");
    return List.of();
  }

  /** A nested section, or null when absent or not a mapping (the latter reported). */
  Section section(String key, Set<String> known) {
    YamlNode n = node(key);
    if (n == null || (n instanceof Scalar s && s.isNull())) {
      return null;
    }
    return of(problems, keyPath(key), n, known);
  }

  /** The items of a list; empty when absent, reported when not a list. */
  List<YamlNode> items(String key) {
    YamlNode n = node(key);
    if (n == null || (n instanceof Scalar s && s.isNull())) {
      return List.of();
    }
    if (n instanceof Sequence seq) {
      return seq.items();
    }
    problem(key, "expected a list, found " + n.kind(), "write one '- item' per line");
    return List.of();
  }
}
