package org.mailassure.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the bash and zsh completion scripts for every command and option, generated from the
 * command-line model (bash's by picocli, zsh's here), so neither can drift from the commands. Run
 * by the build ({@code mvn package}); the Debian package installs them in {@code
 * /usr/share/bash-completion/completions} and {@code /usr/share/zsh/vendor-completions}.
 */
public final class Completion {
  private Completion() {}

  /** The script, from the same model the commands are parsed with. */
  static String bash() {
    CommandLine cli = CommandModel.tree();
    // picocli numbers the script's arrays with String.format in the default locale, so a build
    // under ar-EG wrote "cmds\u0660=(validate)", which bash cannot parse: ASCII digits whatever the
    // build machine's locale.
    java.util.Locale before = java.util.Locale.getDefault();
    String script;
    try {
      java.util.Locale.setDefault(java.util.Locale.ROOT);
      script = AutoComplete.bash("mailassure", cli);
    } finally {
      java.util.Locale.setDefault(before);
    }
    // Sourced by bash-completion, never run: no #! line (Debian's lintian asks for none).
    return script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
  }

  /**
   * The zsh completion function ({@code _mailassure}, for a directory on {@code $fpath}): a
   * function per command, each option with its description, its argument's label, files offered for
   * FILE and DIR, and the fixed values an option takes (check ids).
   */
  static String zsh() {
    StringBuilder out = new StringBuilder();
    out.append("#compdef mailassure\n");
    out.append("# Generated from mailassure's command-line model by Completion; do not edit.\n");
    CommandLine root = CommandModel.tree();
    zshFunction(root, out);
    // Autoloaded from $fpath the file's body runs once per completion; sourced, it defines.
    out.append("\nif [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n");
    out.append("  _mailassure \"$@\"\nelse\n  compdef _mailassure mailassure\nfi\n");
    return out.toString();
  }

  private static String zshName(CommandLine.Model.CommandSpec spec) {
    return "_" + spec.qualifiedName("_").replace('-', '_');
  }

  private static void zshFunction(CommandLine cli, StringBuilder out) {
    CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
    java.util.List<CommandLine> subs = CommandModel.subcommands(cli);
    out.append('\n').append(zshName(spec)).append("() {\n");
    if (!subs.isEmpty()) {
      out.append("  local curcontext=\"$curcontext\" state line\n");
      out.append("  typeset -A opt_args\n");
    }
    out.append("  _arguments -s -S").append(subs.isEmpty() ? "" : " -C");
    for (CommandLine.Model.OptionSpec o : spec.options()) {
      if (!o.hidden()) {
        out.append(" \\\n    ").append(zshOption(o));
      }
    }
    if (!subs.isEmpty()) {
      out.append(" \\\n    '1: :->command' \\\n    '*:: :->args'\n");
      out.append("  local -a commands\n  commands=(\n");
      for (CommandLine sub : subs) {
        out.append("    ")
            .append(quote(sub.getCommandName() + ":" + summary(sub.getCommandSpec())))
            .append('\n');
      }
      if (spec.parent() == null) {
        out.append("    'help:Show the help of a command'\n");
      }
      out.append("  )\n  case $state in\n    command)\n");
      out.append("      _describe -t commands 'mailassure command' commands\n      ;;\n");
      out.append("    args)\n      case $line[1] in\n");
      for (CommandLine sub : subs) {
        out.append("        ")
            .append(sub.getCommandName())
            .append(") ")
            .append(zshName(sub.getCommandSpec()))
            .append(" ;;\n");
      }
      if (spec.parent() == null) {
        out.append("        help) _describe -t commands 'mailassure command' commands ;;\n");
      }
      out.append("      esac\n      ;;\n  esac\n");
    } else {
      out.append('\n');
    }
    out.append("}\n");
    for (CommandLine sub : subs) {
      zshFunction(sub, out);
    }
  }

  /**
   * One {@code _arguments} spec, e.g. {@code '(-c --config)'{-c+,--config=}'[Config
   * file.]:FILE:_files'}.
   */
  private static String zshOption(CommandLine.Model.OptionSpec o) {
    String[] names = o.names();
    boolean takesValue = o.arity().max() > 0 && !o.typeInfo().isBoolean();
    boolean repeatable = o.isMultiValue();
    String exclusion = repeatable ? "" : "(" + String.join(" ", names) + ")";
    if (o.usageHelp() || o.versionHelp()) {
      exclusion = "(- *)";
    }
    java.util.List<String> spelled = new java.util.ArrayList<>();
    for (String n : names) {
      spelled.add(takesValue ? n + (n.startsWith("--") ? "=" : "+") : n);
    }
    String description = "[" + zshBracket(summary(o)) + "]";
    String argument = "";
    if (takesValue) {
      String label = o.paramLabel().replace(":", "");
      argument = ":" + label + ":" + action(o);
    }
    String head = repeatable ? "*" : "";
    if (spelled.size() == 1) {
      return quote(exclusion + head + spelled.get(0) + description + argument);
    }
    return quote(exclusion + head)
        + "{"
        + String.join(",", spelled)
        + "}"
        + quote(description + argument);
  }

  private static String action(CommandLine.Model.OptionSpec o) {
    Iterable<String> candidates = o.completionCandidates();
    if (candidates != null) {
      java.util.List<String> values = new java.util.ArrayList<>();
      candidates.forEach(values::add);
      if (!values.isEmpty()) {
        String list = "(" + String.join(" ", values) + ")";
        return o.splitRegex().isEmpty() ? list : "_sequence compadd - " + String.join(" ", values);
      }
    }
    return switch (o.paramLabel()) {
      case "FILE" -> "_files";
      case "DIR" -> "_files -/";
      default -> " ";
    };
  }

  /** The first sentence of a description, for a completion menu. */
  private static String summary(CommandLine.Model.ArgSpec arg) {
    return CommandModel.firstSentence(String.join(" ", arg.description()));
  }

  private static String summary(CommandLine.Model.CommandSpec spec) {
    return CommandModel.firstSentence(String.join(" ", spec.usageMessage().description()));
  }

  /** Text inside an {@code _arguments} description: brackets and colons are its syntax. */
  private static String zshBracket(String s) {
    return s.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:");
  }

  /** A single-quoted shell word. */
  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** {@code Completion BASH_FILE [ZSH_FILE]}: writes the bash script, and the zsh function. */
  public static void main(String[] args) throws Exception {
    write(Path.of(args[0]), bash());
    if (args.length > 1) {
      write(Path.of(args[1]), zsh());
    }
  }

  private static void write(Path out, String text) throws Exception {
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, text, StandardCharsets.UTF_8);
  }
}
