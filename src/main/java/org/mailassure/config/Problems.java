package org.mailassure.config;

import java.util.ArrayList;
import java.util.List;

/** Collects configuration problems for one file, so that all of them are reported at once. */
final class Problems {
  private final String file;
  private final List<ConfigProblem> list = new ArrayList<>();

  Problems(String file) {
    this.file = file;
  }

  String file() {
    return file;
  }

  List<ConfigProblem> list() {
    return list;
  }

  void add(YamlNode.Location at, String key, String problem, String fix) {
    list.add(new ConfigProblem(file, at, key, problem, fix));
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  int size() {
    return list.size();
  }
}
