package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.testing.Python;

/**
 * config/mailassure.schema.json is what editors check a config against as it is typed; it must
 * never flag a value mailassure takes. Each value of each kind of setting (durations, numbers,
 * switches, choices), written as admins write them (quoted or not, spaced, in capitals), is loaded
 * by mailassure's loader and validated against the schema by Python's jsonschema (Debian's
 * python3-jsonschema) after PyYAML reads the file, as a YAML language server does: every config the
 * loader takes, the schema must take.
 */
class SchemaDifferentialTest {
  private static final Path SCHEMA = Path.of("config/mailassure.schema.json");

  @TempDir Path dir;

  private static final String BASE =
      """
      probe:
        transport: smtp
        smtp:
          host: 127.0.0.1
          auth: none
      domains:
        - name: example.gov.uk
          mailbox: secureemailreply@example.gov.uk
      """;

  private static final List<String> DURATIONS =
      List.of(
          "0",
          "'0'",
          "5",
          "'5'",
          "30s",
          "30 s",
          "30S",
          "'30s '",
          "5m",
          "5M",
          "6h",
          "1d",
          "90000ms",
          "PT6H",
          "pt6h",
          "P1D",
          "PT1M30S",
          "Pfoo",
          "-5m",
          "1.5h",
          "999999999d",
          "PT1H-30M",
          "' 6h'",
          "-PT-6H",
          "PT0.5S",
          "P",
          "PT",
          "p1dt2h");

  /** The base config with the setting at {@code path} (section.key, "domain.key") set to value. */
  private static String with(String path, String value) {
    String section = path.substring(0, path.lastIndexOf('.'));
    String line = path.substring(path.lastIndexOf('.') + 1) + ": " + value + "\n";
    return switch (section) {
      case "domain" -> BASE + "    " + line;
      case "probe" ->
          path.equals("probe.transport")
              ? BASE.replace("  transport: smtp\n", "  " + line)
              : BASE.replace("probe:\n", "probe:\n  " + line);
      case "probe.smtp" -> BASE.replace("    auth: none\n", "    auth: none\n    " + line);
      case "probe.retry" -> BASE.replace("probe:\n", "probe:\n  retry:\n    " + line);
      default -> BASE + section + ":\n  " + line;
    };
  }

  @Test
  void everyValueTheLoaderTakesTheSchemaTakes() throws Exception {
    Python.assumeModules("jsonschema, yaml", "python3-jsonschema and python3-yaml");
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String key :
        List.of(
            "probe.catch-up",
            "probe.retry.backoff",
            "probe.retry.max-backoff",
            "readiness.timeout",
            "rule.poll",
            "state.retention")) {
      values.put(key, DURATIONS);
    }
    values.put("probe.smtp.port", List.of("587", "'587'", "0", "70000", "abc", "' 25'"));
    values.put("probe.retry.attempts", List.of("5", "'5'", "0", "101"));
    values.put("rule.max-replies-per-day", List.of("48", "'48'", "0"));
    values.put("rule.mark-as-read", List.of("true", "'true'", "false", "True", "1"));
    values.put("domain.rule", List.of("true", "'false'", "FALSE"));
    values.put("probe.transport", List.of("smtp", "'smtp'", "SMTP", "Smtp"));
    values.put("probe.smtp.security", List.of("starttls", "STARTTLS", "implicit-tls"));
    values.put("probe.smtp.min-tls-version", List.of("TLSv1.2", "tlsv1.2", "'1.2'", "TLSv1.3"));
    values.put("rule.action", List.of("reply", "forward", "Forward"));

    List<String> cases = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Boolean> loaded = new ArrayList<>();
    List<String> loaderSays = new ArrayList<>();
    for (var e : values.entrySet()) {
      for (String v : e.getValue()) {
        String text = with(e.getKey(), v);
        Path file = dir.resolve("c" + files.size() + ".yaml");
        Files.writeString(file, text);
        cases.add(e.getKey() + ": " + v);
        files.add(file);
        try {
          new ConfigLoader(Map.of(), false).parse(text, file);
          loaded.add(true);
          loaderSays.add("");
        } catch (ConfigException ex) {
          loaded.add(false);
          loaderSays.add(ex.getMessage());
        }
      }
    }
    List<String> args = new ArrayList<>(List.of(SCHEMA.toAbsolutePath().toString()));
    files.forEach(f -> args.add(f.toString()));
    List<String> schema = Python.run(null, "schema_check.py", args.toArray(String[]::new));
    assertThat(schema).hasSize(files.size());

    Map<String, String> flagged = new LinkedHashMap<>();
    int looser = 0;
    for (int i = 0; i < files.size(); i++) {
      boolean valid = schema.get(i).equals("valid");
      if (loaded.get(i) && !valid) {
        flagged.put(cases.get(i), schema.get(i));
      } else if (!loaded.get(i) && valid) {
        // The schema checks shapes; ranges and the rest are the loader's (a poll under 1m).
        looser++;
        System.out.println(
            "loader only: "
                + cases.get(i)
                + " => "
                + loaderSays.get(i).lines().findFirst().orElse(""));
      }
    }
    System.out.println(
        files.size()
            + " values, "
            + flagged.size()
            + " flagged by the schema though mailassure takes them, "
            + looser
            + " refused by the loader alone");
    flagged.forEach((k, v) -> System.out.println(k + " => " + v));
    assertThat(flagged).isEmpty();
  }

  /**
   * Editors compile the schema's patterns as JavaScript regular expressions in Unicode mode, where
   * ECMA-262 allows a backslash before a character only for the escapes it defines or a syntax
   * character ("IdentityEscape[U] :: [+U] SyntaxCharacter, [+U] /"): "\\-" outside a class is an
   * error there (Python's re, which the test above uses, accepts it), and the editor then checks
   * nothing.
   */
  @Test
  void everyPatternUsesOnlyTheEscapesAJavaScriptEngineAcceptsInUnicodeMode() throws Exception {
    com.fasterxml.jackson.databind.JsonNode schema =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(SCHEMA.toFile());
    List<String> patterns = new ArrayList<>();
    schema.findValues("pattern").forEach(n -> patterns.add(n.asText()));
    assertThat(patterns).hasSizeGreaterThan(20);
    String syntax = "^$\\.*+?()[]{}|/";
    String defined = "dDsSwWbBfnrtv0123456789";
    for (String p : patterns) {
      boolean inClass = false;
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if (c == '\\') {
          char next = p.charAt(++i);
          boolean allowed =
              syntax.indexOf(next) >= 0 || defined.indexOf(next) >= 0 || (inClass && next == '-');
          assertThat(allowed).as("'\\" + next + "' in " + p).isTrue();
        } else if (c == '[') {
          inClass = true;
        } else if (c == ']') {
          inClass = false;
        }
      }
    }
  }
}
