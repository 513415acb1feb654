package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completion scripts the package installs: valid bash and zsh, completing commands, options and
 * option values when a real shell asks them.
 */
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
  void builtUnderAnArabicLocaleTheScriptIsStillValidBash() throws Exception {
    Path script = dir.resolve("mailassure-ar");
    java.util.Locale before = java.util.Locale.getDefault();
    java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-EG"));
    try {
      Completion.main(new String[] {script.toString()});
    } finally {
      java.util.Locale.setDefault(before);
    }

    Process syntax = new ProcessBuilder("bash", "-n", script.toString()).start();
    assertThat(syntax.waitFor()).as(new String(syntax.getErrorStream().readAllBytes())).isZero();
    assertThat(complete(script, "mailassure re").lines()).containsExactly("reply");
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

  /**
   * Drives an interactive zsh on a pseudo-terminal (zsh's own zpty module): each line is typed, TAB
   * pressed, and the screen read until the expected completion shows; then the line is erased (^U)
   * and a command run whose output, {@code MARK<n>}, never appears in what is typed, so the next
   * line is typed only once zsh is back at its prompt. Every string waited for can only come from
   * zsh itself, never from the terminal echoing what the driver typed (the prompt is set as {@code
   * $'READY\x3e '}), and no ^C is sent: a SIGINT flushes the terminal's pending input, and a line
   * typed in that moment would be lost.
   */
  private static final String ZSH_DRIVER =
      """
      zmodload zsh/zpty
      zpty z zsh -f -i
      zpty -w z "fpath=($1 \\$fpath); autoload -Uz compinit; compinit -u -D; bindkey -e; \
      PROMPT=\\$'READY\\\\x3e '"
      zpty -r z out '*READY> ' || exit 2
      shift
      n=0
      while (( $# )); do
        zpty -n -w z "$1"$'\\t'
        zpty -r z out "*$2*" && print -r -- "completed: $2"
        (( n++ ))
        zpty -w z $'\\C-u'"print MARK\\$(( $n * 1 ))"
        zpty -r z out "*MARK$n*READY> " || exit 3
        shift 2
      done
      """;

  @Test
  void theZshFunctionIsValidZshAndCompletesCommandsOptionsAndCheckIds() throws Exception {
    Path zsh = Path.of("/usr/bin/zsh");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isExecutable(zsh), "zsh is not installed (apt-get install zsh)");
    Path functions = dir.resolve("functions");
    Completion.main(
        new String[] {dir.resolve("bash").toString(), functions.resolve("_mailassure").toString()});

    Process syntax =
        new ProcessBuilder(zsh.toString(), "-n", functions.resolve("_mailassure").toString())
            .start();
    assertThat(syntax.waitFor()).isZero();

    Path driver = dir.resolve("driver.zsh");
    java.nio.file.Files.writeString(driver, ZSH_DRIVER);
    Process p =
        new ProcessBuilder(
                zsh.toString(),
                "-f",
                driver.toString(),
                functions.toString(),
                "mailassure rul",
                "mailassure rules",
                "mailassure check --only=dmarc,sp",
                "dmarc,spf",
                "mailassure dkim keygen --sel",
                "--selector",
                // Relative, so the line fits the pseudo-terminal's 80 columns unwrapped.
                "mailassure send --config=functions/_mailass",
                "_mailassure")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("zsh.out").toFile())
            .start();
    boolean ended = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = java.nio.file.Files.readString(dir.resolve("zsh.out"));
    assertThat(ended).as("zsh answered every completion within 60 s: %s", out).isTrue();
    assertThat(out.lines().filter(l -> l.startsWith("completed: ")))
        .containsExactly(
            "completed: mailassure rules",
            "completed: dmarc,spf",
            "completed: --selector",
            "completed: _mailassure");
  }
}
