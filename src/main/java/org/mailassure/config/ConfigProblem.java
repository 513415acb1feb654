package org.mailassure.config;

/**
 * One thing wrong with a configuration file: where, which key, what is wrong and how to fix it.
 *
 * @param file the file as the user named it
 * @param location line and column of the offending key or value
 * @param key the dotted path of the key, such as {@code domains[2].sender}; empty for the file
 * @param problem what is wrong, in words
 * @param fix what to write instead
 */
public record ConfigProblem(
    String file, YamlNode.Location location, String key, String problem, String fix) {

  /** The form printed to the user: {@code file:line:column: key: problem; fix}. */
  @Override
  public String toString() {
    String where = file + ":" + location.line() + ":" + location.column() + ": ";
    String what = key.isEmpty() ? problem : key + ": " + problem;
    return where + what + (fix.isEmpty() ? "" : "; " + fix);
  }
}
