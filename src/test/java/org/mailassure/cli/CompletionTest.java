package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bash completion script the package installs: valid bash, completing commands and options. */
class CompletionTest {
  @TempDir Path dir;

  /** What the script offers for a command line typed so far (bash's programmable completion). */
  private static final String COMPLETE =
      """
      source "$0"
      COMP_LINE="$1"
      read -r -a COMP_WORDS <<< "$1"
      [[ "$1" == *' ' ]] && COMP_WORDS+=('')
      COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
      COMP_POINT=${#COMP_LINE}
      _complete_mailassure
      printf '%s\n' "${COMPREPLY[@]}"
      """;

  private String complete(Path script, String line) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-c", COMPLETE, script.toString(), line)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void theScriptIsValidBashAndCompletesCommandsAndTheirOptions() throws Exception {
    Path script = dir.resolve("mailassure");
    Completion.main(new String[] {script.toString()});

    Process syntax = new ProcessBuilder("bash", "-n", script.toString()).start();
    assertThat(syntax.waitFor()).isZero();
    assertThat(complete(script, "mailassure re").lines()).containsExactly("reply");
    assertThat(complete(script, "mailassure check --o").lines()).contains("--only");
    assertThat(complete(script, "mailassure rules ").lines()).contains("list", "remove");
  }
}
