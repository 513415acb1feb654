package org.mailassure.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options every command that reads the config takes (SPEC.md): the config file, domain selection,
 * verbosity. {@link CommonOptions} adds {@code --json} for the commands that print a document.
 */
class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Config file. Default: $MAILASSURE_CONFIG, ./mailassure.yaml,"
              + " $CONFIGURATION_DIRECTORY/mailassure.yaml, /etc/mailassure/mailassure.yaml.")
  Path config;

  @Option(names = "--domain", paramLabel = "NAME", description = "Only this domain (repeatable).")
  List<String> domains = new ArrayList<>();

  @Option(
      names = {"-v", "--verbose"},
      description = "More detail on stderr.")
  boolean verbose;
}
