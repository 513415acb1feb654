package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The config's syntax checks are written character by character, so that a config's usual path
 * compiles no regular expression (README, Benchmarks). Each is held here to the regular expression
 * it stands for, as {@link java.util.regex} reads it, over random texts drawn from the characters
 * that matter at its edges (and a seed printed with every failure).
 */
class HandWrittenSyntaxTest {
  private static final int CASES = 20_000;

  private final long seed = new Random().nextLong();
  private final Random random = new Random(seed);

  private String text(String alphabet, int maxLength) {
    int n = random.nextInt(maxLength + 1);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /** A valid example with one or two characters changed, inserted or removed. */
  private String mutated(String valid, String alphabet) {
    StringBuilder b = new StringBuilder(valid);
    for (int k = random.nextInt(3); k > 0; k--) {
      int at = random.nextInt(b.length() + 1);
      char c = alphabet.charAt(random.nextInt(alphabet.length()));
      switch (random.nextInt(3)) {
        case 0 -> b.insert(at, c);
        case 1 -> {
          if (at < b.length()) {
            b.setCharAt(at, c);
          }
        }
        default -> {
          if (at < b.length()) {
            b.deleteCharAt(at);
          }
        }
      }
    }
    return b.toString();
  }

  private void holds(
      String name,
      Pattern pattern,
      java.util.function.Predicate<String> check,
      List<String> texts) {
    for (String t : texts) {
      assertThat(check.test(t))
          .as("%s on '%s' (seed %d)", name, t, seed)
          .isEqualTo(pattern.matcher(t).matches());
    }
  }

  private List<String> texts(String alphabet, int maxLength, String... valid) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      out.add(
          valid.length > 0 && i % 2 == 0
              ? mutated(valid[random.nextInt(valid.length)], alphabet)
              : text(alphabet, maxLength));
    }
    return out;
  }

  @Test
  void aLabelIsWhatRfc1123sExpressionMatches() {
    String label63 = "a" + "b".repeat(61) + "c";
    holds(
        "isLabel",
        Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"),
        Names::isLabel,
        texts("az09-.A_é", 70, "a", "x-1", "xn--bcher-kva", label63, label63 + "d"));
  }

  @Test
  void aLocalPartIsWhatTheDotAtomExpressionMatches() {
    holds(
        "isLocalPart",
        Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"),
        Names::isLocalPart,
        texts("aZ9.!#~-@ \"(,é", 12, "secureemailreply", "first.last", "a+b"));
  }

  @Test
  void aDottedQuadIsWhatTheIpv4ExpressionMatches() {
    holds(
        "isDottedQuad",
        Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}"),
        Names::isDottedQuad,
        texts("0129.a-٣", 18, "127.0.0.1", "192.0.2.53", "1.2.3.4"));
  }

  @Test
  void aGuidIsWhatTheGuidExpressionMatches() {
    holds(
        "isGuid",
        Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
        GraphReader::isGuid,
        texts(
            "09afAFg-G ",
            40,
            "00000000-0000-0000-0000-000000000001",
            "3fa85f64-5717-4562-B3FC-2c963f66afa6"));
  }

  @Test
  void anEnvironmentNameIsWhatItsExpressionMatches() {
    holds(
        "isEnvName",
        Pattern.compile("[A-Za-z_][A-Za-z0-9_]*"),
        GraphReader::isEnvName,
        texts("aZ_09-$ .", 10, "MAILASSURE_GRAPH_TOKEN", "_x1"));
  }

  @Test
  void aShortDurationIsReadAsItsExpressionReadsIt() {
    Pattern shortForm = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");
    for (String t :
        texts("0123456789 \t\u000bmshdx.-٣", 14, "30s", "5m", "6h", "1d", "250ms", "123456789 d")) {
      Matcher m = shortForm.matcher(t);
      Duration expected = null;
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        expected =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
      }
      assertThat(Durations.shortForm(t)).as("'%s' (seed %d)", t, seed).isEqualTo(expected);
    }
  }

  @Test
  void placeholdersAreTheGroupsTheBraceExpressionFinds() {
    Pattern placeholder = Pattern.compile("\\{([^}]*)}");
    for (String t : texts("{}ad ", 16, "Probe from {domain} at {time}", "{a{b}c}")) {
      List<String> expected = new ArrayList<>();
      Matcher m = placeholder.matcher(t);
      while (m.find()) {
        expected.add(m.group(1));
      }
      assertThat(ConfigLoader.placeholders(t)).as("'%s' (seed %d)", t, seed).isEqualTo(expected);
    }
  }

  @Test
  void aScheduleSplitsIntoTheFieldsThatSplittingOnWhitespaceGives() {
    for (String t :
        texts("0*/ \t\n\u000b\f\r\u0001\u001c", 16, "0 6 * * *", "*/15  1-5\t* * MON")) {
      String trimmed = t.trim();
      assertThat(CronExpression.fields(trimmed))
          .as("'%s' (seed %d)", t, seed)
          .containsExactly(trimmed.split("\\s+"));
    }
  }
}
