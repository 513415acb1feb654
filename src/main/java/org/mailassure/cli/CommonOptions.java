package org.mailassure.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options every command takes (SPEC.md): the config file, domain selection, JSON output, verbosity.
 */
final class CommonOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Config file. Default: $MAILASSURE_CONFIG, ./mailassure.yaml, /etc/mailassure/mailassure.yaml.")
  Path config;

  @Option(names = "--domain", paramLabel = "NAME", description = "Only this domain (repeatable).")
  List<String> domains = new ArrayList<>();

  @Option(names = "--json", description = "Print one JSON document on stdout instead of a table.")
  boolean json;

  @Option(
      names = {"-v", "--verbose"},
      description = "More detail on stderr.")
  boolean verbose;
}
