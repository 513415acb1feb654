package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man pages the package installs, rendered by man-db's {@code man -l} as a reader would see
 * them at 80 columns: no warning from groff, every section a command page needs, every option of
 * the command, no line wider than the terminal.
 */
class ManPagesTest {
  @TempDir Path dir;

  private record Rendered(int exit, String out, String err) {}

  private static Rendered man(Path page) throws Exception {
    Path man = Path.of("/usr/bin/man");
    Assumptions.assumeTrue(
        Files.isExecutable(man), "man-db is not installed (apt-get install man-db)");
    ProcessBuilder pb = new ProcessBuilder(man.toString(), "--warnings", "-l", page.toString());
    pb.environment().put("MANWIDTH", "80");
    pb.environment().put("MANPAGER", "cat");
    pb.environment().put("LANG", "C.UTF-8");
    Path out = Files.createTempFile(page.getParent(), "out", ".txt");
    Path err = Files.createTempFile(page.getParent(), "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("man rendered %s within 60 s", page).isTrue();
    return new Rendered(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Every command below {@code mailassure}, subcommands included. */
  private static List<CommandSpec> commands() {
    List<CommandSpec> all = new ArrayList<>();
    collect(CommandModel.tree(), all);
    return all;
  }

  private static void collect(CommandLine cli, List<CommandSpec> all) {
    for (CommandLine sub : CommandModel.subcommands(cli)) {
      all.add(sub.getCommandSpec());
      collect(sub, all);
    }
  }

  @Test
  void everyCommandHasAPageThatManRendersWithoutWarningsAndWithinEightyColumns() throws Exception {
    ManPages.main(new String[] {dir.toString(), "0.1.0", "2026-12-06"});
    List<CommandSpec> commands = commands();
    assertThat(commands).hasSizeGreaterThanOrEqualTo(15);

    for (CommandSpec command : commands) {
      String name = command.qualifiedName("-");
      Path page = dir.resolve(name + ".1");
      assertThat(page).as("a page for %s", command.qualifiedName(" ")).exists();
      Rendered r = man(page);
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.err()).as("groff's warnings for %s", name).isEmpty();
      assertThat(r.out()).contains("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SEE ALSO");
      assertThat(r.out()).contains(name + " - ");
      assertThat(r.out()).contains(command.qualifiedName(" ") + " [");
      for (String line : r.out().lines().toList()) {
        assertThat(line.length()).as("%s: %s", name, line).isLessThanOrEqualTo(80);
      }
      for (OptionSpec o : command.options()) {
        for (String option : o.names()) {
          assertThat(r.out()).as("%s documents %s", name, option).contains(option);
        }
      }
      if (command.subcommands().isEmpty()) {
        // A command that does something has its examples and its exit codes.
        assertThat(r.out()).as(name).contains("EXAMPLES", "EXIT STATUS");
        for (String example : command.usageMessage().footer()) {
          assertThat(r.out()).contains(example.strip());
        }
        for (Map.Entry<String, String> code : command.usageMessage().exitCodeList().entrySet()) {
          assertThat(r.out().replaceAll("\\s+", " ")).contains(code.getValue());
        }
      } else {
        for (CommandLine sub : command.subcommands().values()) {
          assertThat(r.out()).contains(sub.getCommandSpec().qualifiedName("-") + "(1)");
        }
      }
    }
  }

  @Test
  void theOverviewPageRendersWithoutWarningsAndNamesEveryCommandsPage() throws Exception {
    Path overview = Path.of("src/dist/man/mailassure.1");
    Path copy = dir.resolve("mailassure.1");
    Files.copy(overview, copy);
    Rendered r = man(copy);
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    for (String line : r.out().lines().toList()) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
    }
    String text = Files.readString(overview, StandardCharsets.UTF_8);
    for (CommandSpec command : commands()) {
      assertThat(text)
          .as("the overview's SEE ALSO names %s", command.qualifiedName("-"))
          .contains(".BR " + command.qualifiedName("-").replace("-", "\\-") + " (1)");
    }
  }

  @Test
  void textThatRoffWouldReadAsARequestIsPrintedAsText() {
    assertThat(ManPages.escape(".gov.uk")).isEqualTo("\\&.gov.uk");
    assertThat(ManPages.escape("'quoted'")).isEqualTo("\\&'quoted'");
    assertThat(ManPages.escape("--only a\\b")).isEqualTo("\\-\\-only a\\eb");
  }
}
