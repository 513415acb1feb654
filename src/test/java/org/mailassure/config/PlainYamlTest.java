package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link PlainYaml} set beside SnakeYAML (the YAML library mailassure reads every other config
 * with, through {@link SnakeYamlReader}): for every text PlainYaml reads, the tree, each null and
 * each line and column must be SnakeYAML's, and SnakeYAML must find nothing wrong with it. Where
 * PlainYaml declines, SnakeYAML reads the file, so declining is always safe; the test also holds
 * PlainYaml to reading the plain configs it was made for.
 */
class PlainYamlTest {
  private static final int GENERATED = 3_000;
  private static final int MUTATIONS = 20;

  private static YamlNode snakeYaml(String text, List<ConfigProblem> problems) {
    return new SnakeYamlReader("mailassure.yaml", problems).read(text);
  }

  /** Asserts PlainYaml agrees with SnakeYAML on {@code text}; returns whether it read it. */
  private static boolean agrees(String text) {
    YamlNode plain = PlainYaml.read(text);
    if (plain == null) {
      return false;
    }
    List<ConfigProblem> problems = new ArrayList<>();
    YamlNode expected = snakeYaml(text, problems);
    assertThat(problems).as("SnakeYAML's problems with a text PlainYaml read:\n%s", text).isEmpty();
    assertThat(plain).as("the tree of:\n%s", text).isEqualTo(expected);
    return true;
  }

  @Test
  void theExampleConfigAndTheReadmesConfigsReadAsSnakeYamlReadsThem() throws IOException {
    List<String> texts = new ArrayList<>();
    texts.add(Files.readString(Path.of("config/mailassure.example.yaml")));
    Matcher block =
        Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("README.md")));
    while (block.find()) {
      texts.add(block.group(1).stripIndent());
    }
    assertThat(texts).hasSizeGreaterThan(2);
    for (String text : texts) {
      agrees(text);
    }
    assertThat(agrees(texts.get(0))).as("the example config is plain YAML").isTrue();
  }

  @Test
  void everyTestResourceInYamlReadsAsSnakeYamlReadsIt() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        agrees(Files.readString(file));
      }
    }
  }

  @Test
  void plainCornersAreReadAsSnakeYamlReadsThem() {
    String[] plain = {
      "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: 'null'\ng: \"~\"\n",
      "a:   # nothing here\nb: x # a comment\nc: x#y\n",
      "list:\n- a\n- b\nnext: 1\n",
      "list:\n  -   k: v\n      j: w\n  - x\n",
      "- a\n-\n- [b, c]\n- {k: v}\n",
      "k: [ ]\nj: {}\nm: [a, [b, {c: d}], 'e', \"f\"]\n",
      "k: 'it''s'\nj: \"a 'b' c\"\n",
      "k: a, b [c] {d}\n",
      "domains:\n  - name: a.example\n    dkim: [{ selector: s1, private-key-file: k.pem }]\n",
      "  indented: root\n  second: 2\n",
      "a:\n  b:\n    c:\n",
      "k: 1\n\n\n   \n# end\n",
      "k: v   \n",
    };
    for (String text : plain) {
      assertThat(agrees(text)).as("read plainly:\n%s", text).isTrue();
    }
  }

  /** Errors, and what only SnakeYAML reads (anchors, block text, escapes, tabs...), are its. */
  @Test
  void everythingElseIsLeftToSnakeYaml() {
    String[] others = {
      "k: -1\n",
      "k: a: b\n",
      "k: [a, ]\n",
      "k: [a\n",
      "k: &x 1\nj: *x\n",
      "base: &b {x: 1}\nk:\n  <<: *b\n",
      "k: !!str 1\n",
      "k: |\n  text\n",
      "k: >\n  text\n",
      "k: v\n  continued\n",
      "k: v\nk: w\n",
      "k:\tv\n",
      "k: v\r\n",
      "k: \"a\\nb\"\n",
      "---\nk: v\n",
      "k: v\n...\n",
      "%YAML 1.1\n---\nk: v\n",
      "k: café\n",
      "\uFEFFk: v\n",
      "? complex\n: key\n",
      "k: {a: 1, a: 2}\n",
      "k: [a:b]\n",
      "k: {a:b}\n",
      "k: [a?b]\n",
      "k: 'unclosed\n",
      "- - nested\n",
      "k: 'a' b\n",
      "k: 'a'#b\n",
      "\"quoted key\": v\n",
      "k : v\n",
      "",
      "# only a comment\n",
      "scalar\n",
      "[a, b]\n",
    };
    for (String text : others) {
      assertThat(PlainYaml.read(text)).as("left to SnakeYAML:\n%s", text).isNull();
    }
  }

  /**
   * Nesting is bounded below SnakeYAML's own limit of 50 (deeper files are its to refuse), so a
   * hostile file cannot exhaust the stack; a long line of many keys is read in one pass.
   */
  @Test
  void deepNestingIsLeftToSnakeYamlAndLongLinesAreReadInOnePass() {
    StringBuilder shallow = new StringBuilder();
    StringBuilder deep = new StringBuilder();
    for (int level = 0; level < 45; level++) {
      String line = " ".repeat(level) + "k" + level + ":\n";
      if (level < 30) {
        shallow.append(line);
      }
      deep.append(line);
    }
    assertThat(agrees(shallow.toString())).isTrue();
    assertThat(PlainYaml.read(deep.toString())).isNull();
    assertThat(PlainYaml.read("k: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n")).isNull();
    assertThat(PlainYaml.read("- " + "{a: ".repeat(100_000) + "\n")).isNull();

    StringBuilder wide = new StringBuilder("k: {");
    for (int key = 0; key < 50_000; key++) {
      wide.append(key == 0 ? "" : ", ").append("key").append(key).append(": v");
    }
    YamlNode read = PlainYaml.read(wide.append("}\n").toString());
    assertThat(read).isInstanceOf(YamlNode.Mapping.class);
    assertThat(((YamlNode.Mapping) ((YamlNode.Mapping) read).entries().get("k").value()).entries())
        .hasSize(50_000);
  }

  /**
   * Configs made at random in the plain form, each read by both, then each changed a character at a
   * time (an indicator, a space, a line break put in or a character taken out) and read again: what
   * PlainYaml still reads, it must read as SnakeYAML does.
   */
  @Test
  void generatedConfigsAndTheirMutationsReadAsSnakeYamlReadsThem() {
    Random random = new Random(20261207L);
    int mutantsRead = 0;
    for (int n = 0; n < GENERATED; n++) {
      String text = new Generator(random).document();
      assertThat(agrees(text)).as("a generated plain config is read plainly:\n%s", text).isTrue();
      for (int m = 0; m < MUTATIONS; m++) {
        if (agrees(mutate(text, random))) {
          mutantsRead++;
        }
      }
    }
    assertThat(mutantsRead).as("mutants PlainYaml still read").isGreaterThan(GENERATED);
  }

  private static String mutate(String text, Random random) {
    String[] inserts = {
      ":", ": ", "#", " #", "-", "- ", "'", "\"", "''", "[", "]", "{", "}", ",", " ", "  ", "\n",
      "\n  ", "&", "*", "!", "|", ">", "~", "?", "%", "@", "`", "\\", "\t", "\r", "null", "---",
      "é", "a"
    };
    int at = random.nextInt(text.length() + 1);
    if (random.nextInt(4) == 0 && at < text.length()) {
      return text.substring(0, at) + text.substring(at + 1);
    }
    return text.substring(0, at) + inserts[random.nextInt(inserts.length)] + text.substring(at);
  }

  /** Config-shaped YAML in the plain form, with its variations of layout. */
  private static final class Generator {
    private static final String[] KEYS = {
      "name", "mailbox", "selector", "private-key-file", "schedule", "time-zone", "host", "port",
      "auth", "trust-store", "rule", "probe", "dkim", "state-dir", "tenant-id", "client_id",
      "max.replies", "y", "on", "null", "a1"
    };
    private static final String[] WORDS = {
      "example.gov.uk",
      "secureemailreply@example.gov.uk",
      "0 6 * * *",
      "Europe/London",
      "/etc/mailassure/dkim-mailassure1.pem",
      "true",
      "no",
      "587",
      "1.5",
      "~",
      "null",
      "NULL",
      "Null",
      "a b  c",
      "x#y",
      "https://graph.example.com/v1.0",
      "it's",
      "a, b",
      "[x]",
      "{y}",
      "a:b",
      "5m",
      "-",
      "2026-12-07",
      "key: value",
      "quote\"d"
    };

    private final Random r;
    private final StringBuilder out = new StringBuilder();

    Generator(Random r) {
      this.r = r;
    }

    String document() {
      if (r.nextInt(10) == 0) {
        out.append("# mailassure\n\n");
      }
      mapping(r.nextInt(8) == 0 ? 2 : 0, 0);
      return out.toString();
    }

    private void mapping(int indent, int depth) {
      int n = 1 + r.nextInt(depth == 0 ? 5 : 3);
      List<String> used = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String key;
        do {
          key = KEYS[r.nextInt(KEYS.length)];
        } while (used.contains(key));
        used.add(key);
        if (i > 0 || out.length() == 0 || out.charAt(out.length() - 1) == '\n') {
          out.append(" ".repeat(indent));
        }
        out.append(key).append(':');
        value(indent, depth, true);
      }
    }

    private void value(int indent, int depth, boolean ofKey) {
      int kind = r.nextInt(depth >= 3 ? 4 : 8);
      switch (kind) {
        case 0, 1 -> out.append(' ').append(scalar()).append(comment()).append('\n');
        case 2 -> out.append(' ').append(flow(0)).append(comment()).append('\n');
        case 3 -> out.append(r.nextBoolean() ? "" : "   ").append(comment()).append('\n');
        case 4, 5 -> {
          out.append(comment()).append('\n');
          blankOrComment(indent);
          mapping(indent + 2 + (r.nextInt(4) == 0 ? 2 : 0), depth + 1);
        }
        default -> {
          out.append(comment()).append('\n');
          int inner = ofKey && r.nextInt(3) == 0 ? indent : indent + 2;
          sequence(inner, depth + 1);
        }
      }
    }

    private void sequence(int indent, int depth) {
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        out.append(" ".repeat(indent)).append('-');
        int kind = r.nextInt(depth >= 3 ? 2 : 4);
        switch (kind) {
          case 0 -> out.append(' ').append(scalar()).append(comment()).append('\n');
          case 1 -> out.append(' ').append(flow(0)).append('\n');
          case 2 -> {
            String gap = " ".repeat(1 + r.nextInt(3));
            out.append(gap);
            mapping(indent + 1 + gap.length(), depth + 1);
          }
          default -> {
            out.append(comment()).append('\n');
            mapping(indent + 2, depth + 1);
          }
        }
        blankOrComment(indent);
      }
    }

    private String flow(int depth) {
      StringBuilder b = new StringBuilder();
      boolean list = r.nextBoolean();
      b.append(list ? '[' : '{').append(r.nextBoolean() ? " " : "");
      int n = r.nextInt(4);
      List<String> used = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          b.append(r.nextBoolean() ? ", " : ",");
        }
        if (!list) {
          String key;
          do {
            key = KEYS[r.nextInt(KEYS.length)];
          } while (used.contains(key));
          used.add(key);
          b.append(key).append(": ");
        }
        if (depth < 2 && r.nextInt(5) == 0) {
          b.append(flow(depth + 1));
        } else {
          b.append(flowScalar());
        }
      }
      return b.append(r.nextBoolean() ? " " : "").append(list ? ']' : '}').toString();
    }

    private String scalar() {
      String word = WORDS[r.nextInt(WORDS.length)];
      return switch (r.nextInt(5)) {
        case 0 -> "'" + word.replace("'", "''") + "'";
        case 1 -> word.contains("\"") ? "'" + word + "'" : "\"" + word + "\"";
        default -> plainOrQuoted(word);
      };
    }

    private String flowScalar() {
      String word = WORDS[r.nextInt(WORDS.length)];
      if (word.matches("[^,\\[\\]{}:#'\"-][^,\\[\\]{}:#]*") && r.nextBoolean()) {
        return word;
      }
      return "'" + word.replace("'", "''") + "'";
    }

    private static String plainOrQuoted(String word) {
      boolean plain =
          !word.contains(": ")
              && !word.contains(" #")
              && "-?:,[]{}#&*!|>'\"%@`".indexOf(word.charAt(0)) < 0;
      return plain ? word : "'" + word.replace("'", "''") + "'";
    }

    private String comment() {
      return r.nextInt(6) == 0 ? " # note" : "";
    }

    private void blankOrComment(int indent) {
      int k = r.nextInt(12);
      if (k == 0) {
        out.append('\n');
      } else if (k == 1) {
        out.append(" ".repeat(r.nextInt(indent + 3))).append("# aside\n");
      }
    }
  }
}
