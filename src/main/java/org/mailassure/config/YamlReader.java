package org.mailassure.config;

import java.util.List;

/**
 * Reads a config's YAML into a {@link YamlNode} tree with locations: a plainly written file with
 * {@link PlainYaml}, anything else, errors included, with {@link SnakeYamlReader}, which gives the
 * same tree for the plain ones. SnakeYAML's classes are kept out of this class, so that a plain
 * config never loads them.
 */
final class YamlReader {
  private final String file;
  private final List<ConfigProblem> problems;

  YamlReader(String file, List<ConfigProblem> problems) {
    this.file = file;
    this.problems = problems;
  }

  /** Returns the document's root, or null when the text holds no document or does not parse. */
  YamlNode read(String text) {
    YamlNode plain = PlainYaml.read(text);
    return plain != null ? plain : new SnakeYamlReader(file, problems).read(text);
  }
}
