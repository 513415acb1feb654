package org.mailassure.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Writes a man page for each command ({@code mailassure-check.1}, {@code mailassure-dkim-keygen.1},
 * …) from the same picocli model the commands are parsed with, so a page cannot drift from its
 * command: purpose, synopsis, options with their defaults, examples, exit codes. Run by the build
 * ({@code mvn package}); the package installs the pages in {@code /usr/share/man/man1} beside the
 * hand-written overview, {@code mailassure.1}.
 */
public final class ManPages {
  private ManPages() {}

  /** File name to page, one for every command and subcommand except {@code help}. */
  static Map<String, String> pages(String version, String date) {
    Map<String, String> pages = new LinkedHashMap<>();
    for (CommandLine sub : CommandModel.subcommands(CommandModel.tree())) {
      collect(sub, version, date, pages);
    }
    return pages;
  }

  private static void collect(
      CommandLine cli, String version, String date, Map<String, String> pages) {
    pages.put(pageName(cli.getCommandSpec()) + ".1", page(cli, version, date));
    for (CommandLine sub : CommandModel.subcommands(cli)) {
      collect(sub, version, date, pages);
    }
  }

  /** {@code mailassure-dkim-keygen} for {@code mailassure dkim keygen}. */
  static String pageName(CommandSpec spec) {
    return spec.qualifiedName("-");
  }

  private static String page(CommandLine cli, String version, String date) {
    CommandSpec spec = cli.getCommandSpec();
    UsageMessageSpec usage = spec.usageMessage();
    String description = text(String.join(" ", usage.description()));
    StringBuilder out = new StringBuilder();
    out.append(".\\\" Generated from mailassure's command-line model by ManPages; do not edit.\n");
    out.append(".TH ")
        .append(pageName(spec).toUpperCase(java.util.Locale.ROOT).replace("-", "\\-"))
        .append(" 1 \"")
        .append(date)
        .append("\" \"mailassure ")
        .append(version)
        .append("\" \"mailassure\"\n");
    // Words such as SELECTOR._domainkey and file paths must not be hyphenated, so lines are set
    // ragged-right rather than stretched.
    out.append(".nh\n.ad l\n");
    out.append(".SH NAME\n")
        .append(escape(pageName(spec)))
        .append(" \\- ")
        .append(escape(CommandModel.firstSentence(description)))
        .append('\n');

    out.append(".SH SYNOPSIS\n");
    out.append(synopsis(spec));

    out.append(".SH DESCRIPTION\n").append(paragraph(description));

    List<CommandLine> subs = CommandModel.subcommands(cli);
    if (!subs.isEmpty()) {
      out.append(".SH COMMANDS\n");
      for (CommandLine subcommand : subs) {
        CommandSpec sub = subcommand.getCommandSpec();
        out.append(".TP\n.B ").append(escape(sub.name())).append('\n');
        out.append(paragraph(text(String.join(" ", sub.usageMessage().description()))));
        out.append("See\n.BR ").append(escape(pageName(sub))).append(" (1).\n");
      }
    }

    List<PositionalParamSpec> positionals = spec.positionalParameters();
    if (!positionals.isEmpty()) {
      out.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec p : positionals) {
        out.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n');
        out.append(paragraph(text(String.join(" ", p.description()))));
      }
    }

    List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
    if (!options.isEmpty()) {
      out.append(".SH OPTIONS\n");
      for (OptionSpec o : options) {
        out.append(".TP\n").append(optionTerm(o)).append('\n');
        String about = text(String.join(" ", o.description()));
        out.append(paragraph(about));
        String fallback = o.defaultValue();
        if (fallback != null && !about.contains("default") && !about.contains("Default")) {
          out.append("Default: \\fB").append(escape(fallback)).append("\\fR.\n");
        }
      }
    }

    String[] footer = usage.footer();
    if (footer.length > 0) {
      out.append(".SH EXAMPLES\n");
      // Each example stays as written, continuation lines included, in a literal block.
      out.append(".PP\n.nf\n.RS 2\n");
      int indent =
          java.util.Arrays.stream(footer)
              .filter(l -> !l.isBlank())
              .mapToInt(l -> l.length() - l.stripLeading().length())
              .min()
              .orElse(0);
      for (String line : footer) {
        String t = text(line).stripTrailing();
        out.append(escape(t.length() >= indent ? t.substring(indent) : t.strip())).append('\n');
      }
      out.append(".RE\n.fi\n");
    }

    Map<String, String> codes = usage.exitCodeList();
    if (!codes.isEmpty()) {
      out.append(".SH EXIT STATUS\n");
      for (Map.Entry<String, String> e : codes.entrySet()) {
        out.append(".TP\n.B ").append(escape(e.getKey().strip())).append('\n');
        out.append(paragraph(text(e.getValue())));
      }
    }

    out.append(".SH SEE ALSO\n.BR mailassure (1)");
    CommandSpec parent = spec.parent();
    if (parent != null && parent.parent() != null) {
      out.append(",\n.BR ").append(escape(pageName(parent))).append(" (1)");
    }
    out.append(";\nthe README in /usr/share/doc/mailassure.\n");
    return out.toString();
  }

  /**
   * The synopsis as picocli writes it, wrapped at spaces to fit the 80-column terminal man renders
   * for after its 7-column indent, continuation lines under the first option.
   */
  private static String synopsis(CommandSpec spec) {
    spec.usageMessage().width(HelpWrap.UNWRAPPED);
    CommandLine.Help help =
        new CommandLine.Help(spec, new CommandLine.Help.ColorScheme.Builder().build());
    String line = help.synopsis(0).strip();
    String command = spec.qualifiedName(" ") + " ";
    String options = line.startsWith(command) ? line.substring(command.length()) : line;
    String[] lines = HelpWrap.wrap(options, SYNOPSIS_WIDTH - command.length()).split("\n");
    StringBuilder out = new StringBuilder(".nf\n");
    for (int i = 0; i < lines.length; i++) {
      String lead = i == 0 ? command : " ".repeat(command.length());
      out.append(escape(lead + lines[i].strip())).append('\n');
    }
    return out.append(".fi\n").toString();
  }

  /** 80 columns less man's indent of 7 and a margin of 1. */
  private static final int SYNOPSIS_WIDTH = 72;

  private static String optionTerm(OptionSpec o) {
    StringBuilder term = new StringBuilder();
    String[] names = o.names();
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        term.append(", ");
      }
      term.append("\\fB").append(escape(names[i])).append("\\fR");
    }
    if (o.arity().max() > 0 && !o.typeInfo().isBoolean()) {
      term.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
    }
    return term.toString();
  }

  /** picocli's format escapes in annotation text: %n is a line break, %% a percent sign. */
  private static String text(String s) {
    return s.replace("%n", "\n").replace("%%", "%");
  }

  /** Filled text: each source line escaped, blank lines kept as paragraph breaks. */
  private static String paragraph(String s) {
    StringBuilder out = new StringBuilder();
    for (String line : s.strip().split("\n")) {
      if (line.isBlank()) {
        out.append(".PP\n");
      } else {
        out.append(escape(line.strip())).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * Text safe in roff: a backslash printed as one, every hyphen a minus sign (option names must
   * paste into a shell), and a line that would start with a control character made plain.
   */
  static String escape(String s) {
    String e = s.replace("\\", "\\e").replace("-", "\\-");
    if (e.startsWith(".") || e.startsWith("'")) {
      e = "\\&" + e;
    }
    return e;
  }

  /** {@code ManPages DIR VERSION DATE}: writes every page into DIR. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (Map.Entry<String, String> e : pages(args[1], args[2]).entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
    }
  }
}
