package org.mailassure.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The arguments of suggested commands, as the system's own shell (/bin/sh) reads them back. */
class ShellTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/etc/mailassure/dkim/example.gov.uk-s1.pem",
        "/srv/mail assure/key.pem",
        "/tmp/it's here",
        "/tmp/$(touch /tmp/pwned)`id`;rm -rf x",
        "/tmp/a\"b\\c*?[x]{y}~!#&|<>",
        "/tmp/line\nbreak",
        "",
      })
  void theShellReadsTheArgumentBackExactly(String value) throws Exception {
    Process sh =
        new ProcessBuilder("/bin/sh", "-c", "printf '%s' " + Shell.arg(value))
            .redirectErrorStream(true)
            .start();
    String read = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(sh.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(read).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/mailassure/graph.pem", "/var/lib/mailassure/mailassure.db"})
  void anOrdinaryPathIsWrittenPlainly(String path) {
    assertThat(Shell.arg(path)).isEqualTo(path);
  }

  @org.junit.jupiter.api.Test
  void aPlainArgumentIsWhatThePlainExpressionMatches() {
    // Checked by hand in Shell (no regular expression on validate's path); held to the expression.
    java.util.regex.Pattern plain = java.util.regex.Pattern.compile("[A-Za-z0-9_./@%+=:,-]+");
    long seed = new java.util.Random().nextLong();
    java.util.Random random = new java.util.Random(seed);
    String alphabet = "aZ09_./@%+=:,- '\"$*~é\n";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = random.nextInt(8); n > 0; n--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String t = b.toString();
      assertThat(Shell.isPlain(t))
          .as("'%s' (seed %d)", t, seed)
          .isEqualTo(plain.matcher(t).matches());
    }
  }
}
