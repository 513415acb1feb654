package org.mailassure.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Wraps help text at spaces only. picocli wraps where Java's line BreakIterator allows, which
 * includes after a dot and before a slash, so {@code ./mailassure.yaml} and {@code
 * SELECTOR._domainkey.DOMAIN} were cut in two. Here picocli lays every section out unwrapped and
 * each line longer than the width is wrapped at spaces, its continuation lines aligned under the
 * text column it started (an option's description, an exit code's meaning, a synopsis's first
 * option). A word longer than the room left stays whole on its own line.
 */
final class HelpWrap {
  /** The width picocli is given: wide enough that it never wraps a line itself. */
  static final int UNWRAPPED = 2000;

  private HelpWrap() {}

  /** Makes {@code cli} and its subcommands print help wrapped at spaces to {@code width}. */
  static void install(CommandLine cli, int width) {
    cli.setUsageHelpWidth(UNWRAPPED);
    install0(cli, width);
  }

  private static void install0(CommandLine cli, int width) {
    Map<String, CommandLine.IHelpSectionRenderer> sections = cli.getHelpSectionMap();
    for (String key : List.copyOf(sections.keySet())) {
      CommandLine.IHelpSectionRenderer original = sections.get(key);
      if (key.equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS)) {
        // The synopsis follows its heading ("Usage: ") on the same line.
        sections.put(
            key,
            help -> {
              String text = original.render(help);
              String heading = "Usage: ";
              return wrap(heading + text, width).substring(heading.length());
            });
      } else {
        sections.put(key, help -> wrap(original.render(help), width));
      }
    }
    cli.setHelpSectionMap(sections);
    for (CommandLine sub : cli.getSubcommands().values()) {
      install0(sub, width);
    }
  }

  /** Every line of {@code text} at most {@code width} long, broken only at spaces. */
  static String wrap(String text, int width) {
    StringBuilder out = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.length() <= width) {
        out.append(line);
      } else {
        out.append(String.join("\n", wrapLine(line, width)));
      }
      if (i < lines.length - 1) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static List<String> wrapLine(String line, int width) {
    int column = textColumn(line);
    if (column > width / 2) {
      column = leading(line);
    }
    String prefix = line.substring(0, column);
    String indent = " ".repeat(column);
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder(prefix);
    boolean empty = true;
    for (String word : line.substring(column).split(" ")) {
      if (word.isEmpty()) {
        continue;
      }
      if (!empty && current.length() + 1 + word.length() > width) {
        out.add(current.toString());
        current = new StringBuilder(indent);
        empty = true;
      }
      if (!empty) {
        current.append(' ');
      }
      current.append(word);
      empty = false;
    }
    out.add(current.toString());
    return out;
  }

  /**
   * Where the line's last text column starts: after the first run of two or more spaces that
   * follows text (an option row, an exit code row); for a synopsis, after the command's name; else
   * after the leading spaces.
   */
  static int textColumn(String line) {
    if (line.startsWith("Usage: ")) {
      int option = line.indexOf(" [");
      int dash = line.indexOf(" -");
      int at = option < 0 ? dash : dash < 0 ? option : Math.min(option, dash);
      return at < 0 ? leading(line) : at + 1;
    }
    int start = leading(line);
    int gap = line.indexOf("  ", start);
    if (gap < 0) {
      return start;
    }
    int text = gap;
    while (text < line.length() && line.charAt(text) == ' ') {
      text++;
    }
    return text < line.length() ? text : start;
  }

  private static int leading(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }
}
