package org.mailassure.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration cannot be used; holds every problem found, not just the first. */
public final class ConfigException extends Exception {
  private final List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** A problem with no place in a file, such as a missing file. */
  public ConfigException(String message) {
    super(message);
    this.problems = List.of();
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
