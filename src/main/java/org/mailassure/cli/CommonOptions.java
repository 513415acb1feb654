package org.mailassure.cli;

import picocli.CommandLine.Option;

/**
 * Options every command that prints a report takes (SPEC.md): {@link ConfigOptions} and {@code
 * --json}. {@code run}, which prints no document, takes {@link ConfigOptions} alone, so its help
 * does not offer {@code --json}.
 */
final class CommonOptions extends ConfigOptions {
  @Option(names = "--json", description = "Print one JSON document on stdout instead of a table.")
  boolean json;
}
