package org.mailassure.config;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mailassure.config.YamlNode.Entry;
import org.mailassure.config.YamlNode.Location;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML text into a {@link YamlNode} tree with locations, with SnakeYAML's composer (nodes, no
 * objects, so no tag can construct a class): every config {@link PlainYaml} leaves, through {@link
 * YamlReader}. What a plain object mapper gets wrong or leaves out, this says or does:
 *
 * <ul>
 *   <li>a key written twice in one mapping is a problem, not the last one silently winning;
 *   <li>a second document ({@code ---}) is a problem: mailassure reads one, and a domain listed in
 *       a second would otherwise be dropped without a word;
 *   <li>anchors, aliases ({@code smtp: *relay}) and merge keys ({@code <<: *defaults}) mean what
 *       YAML says they mean; an alias that contains itself is a problem;
 *   <li>a syntax error names what the parser expected, where, and what it was reading.
 * </ul>
 *
 * <p>A value is null when YAML's core schema makes it so (nothing, {@code ~}, {@code null}
 * unquoted); every other scalar keeps its text as written, so that each key's reader decides what
 * it accepts.
 */
final class SnakeYamlReader {
  private final String file;
  private final List<ConfigProblem> problems;
  private final Map<Node, YamlNode> converted = new IdentityHashMap<>();
  private final Set<Node> converting = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  SnakeYamlReader(String file, List<ConfigProblem> problems) {
    this.file = file;
    this.problems = problems;
  }

  /** Returns the document's root, or null when the text holds no document or does not parse. */
  YamlNode read(String text) {
    LoaderOptions options = new LoaderOptions();
    // The file's own bound (ConfigLoader.MAX_CONFIG_BYTES) decides how big a config may be.
    options.setCodePointLimit((int) ConfigLoader.MAX_CONFIG_BYTES);
    Node root;
    try {
      root =
          new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options)
              .getSingleNode();
    } catch (MarkedYAMLException e) {
      problems.add(syntax(e));
      return null;
    } catch (YAMLException e) {
      // A bound of the parser's own: nesting deeper than 50, more than 50 aliases of lists or
      // mappings (a "billion laughs" file).
      problems.add(
          new ConfigProblem(
              file,
              new Location(1, 1),
              "",
              "the file is not valid YAML here: " + firstLine(e.getMessage()),
              "write the config as plain nested mappings and lists"));
      return null;
    }
    return root == null ? null : convert(root);
  }

  private ConfigProblem syntax(MarkedYAMLException e) {
    Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    if ("expected a single document in the stream".equals(e.getContext())) {
      return new ConfigProblem(
          file,
          locationOf(at),
          "",
          "a second YAML document starts here; mailassure reads one document, and would"
              + " otherwise ignore everything from here on",
          "remove this '---' line and write its keys into the first document (each key once:"
              + " one domains: list)");
    }
    String problem = e.getProblem() == null ? "not valid YAML" : firstLine(e.getProblem());
    if (problem.startsWith("found undefined alias ")) {
      String name = problem.substring("found undefined alias ".length());
      return new ConfigProblem(
          file,
          locationOf(at),
          "",
          "'*" + name + "' is an alias, and no '&" + name + "' anchor comes before it",
          "anchor the value it stands for with '&"
              + name
              + "' earlier in the file, or quote the text if '*"
              + name
              + "' is meant as it is");
    }
    // What the parser was in, in words: "while parsing a flow sequence" -> "the list in [ ]".
    String context = e.getContext() == null ? null : plainly(e.getContext());
    Mark contextAt = e.getContextMark();
    boolean atEnd = problem.contains("<stream end>") || problem.contains("end of stream");
    if (context != null && contextAt != null && atEnd) {
      // The file ended inside something left open: where it opened is where to look.
      return new ConfigProblem(
          file,
          locationOf(contextAt),
          "",
          "the file is not valid YAML: "
              + context
              + " that starts here is never closed ("
              + problem
              + ")",
          "close it (a ']', '}' or quote), or fix the YAML syntax before the end of the file");
    }
    String where =
        context == null || contextAt == null || contextAt.getLine() == at.getLine()
            ? ""
            : " (in " + context + " that starts at line " + (contextAt.getLine() + 1) + ")";
    return new ConfigProblem(
        file,
        locationOf(at),
        "",
        "the file is not valid YAML: " + problem + where,
        "fix the YAML syntax (indentation with spaces, a space after each ':')");
  }

  private YamlNode convert(Node node) {
    YamlNode done = converted.get(node);
    if (done != null) {
      return done;
    }
    Location at = locationOf(node.getStartMark());
    if (!converting.add(node)) {
      problems.add(
          new ConfigProblem(
              file,
              at,
              "",
              "an alias here refers to the value that contains it, which would never end",
              "write the value out, or anchor a part that does not contain the alias"));
      return new YamlNode.Scalar("", true, at);
    }
    YamlNode result;
    if (node instanceof ScalarNode s) {
      result =
          Tag.NULL.equals(s.getTag())
              ? new YamlNode.Scalar("", true, at)
              : new YamlNode.Scalar(s.getValue(), false, at);
    } else if (node instanceof SequenceNode s) {
      List<YamlNode> items = new ArrayList<>(s.getValue().size());
      for (Node item : s.getValue()) {
        items.add(convert(item));
      }
      result = new YamlNode.Sequence(items, at);
    } else {
      result = mapping((MappingNode) node, at);
    }
    converting.remove(node);
    converted.put(node, result);
    return result;
  }

  private YamlNode.Mapping mapping(MappingNode node, Location at) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<NodeTuple> merges = new ArrayList<>();
    for (NodeTuple tuple : node.getValue()) {
      Node keyNode = tuple.getKeyNode();
      Location keyAt = locationOf(keyNode.getStartMark());
      if (Tag.MERGE.equals(keyNode.getTag())) {
        merges.add(tuple);
        continue;
      }
      if (!(keyNode instanceof ScalarNode scalar)) {
        problems.add(
            new ConfigProblem(
                file,
                keyAt,
                "",
                "a key here is a list or a mapping; every key in this config is a word",
                "write the key as plain text followed by ':'"));
        continue;
      }
      String key = scalar.getValue();
      Entry previous =
          entries.putIfAbsent(key, new Entry(key, keyAt, convert(tuple.getValueNode())));
      if (previous != null) {
        problems.add(
            new ConfigProblem(
                file,
                keyAt,
                key,
                "the key '"
                    + key
                    + "' appears twice in one mapping (first at line "
                    + previous.keyLocation().line()
                    + ")",
                "keep one of them"));
      }
    }
    // YAML's merge key: the keys of the merged mappings that this one does not have, the earlier
    // of several merged mappings first (https://yaml.org/type/merge.html).
    for (NodeTuple merge : merges) {
      Node value = merge.getValueNode();
      List<Node> sources = value instanceof SequenceNode list ? list.getValue() : List.of(value);
      for (Node source : sources) {
        if (convert(source) instanceof YamlNode.Mapping merged) {
          merged.entries().forEach(entries::putIfAbsent);
        } else {
          problems.add(
              new ConfigProblem(
                  file,
                  locationOf(source.getStartMark()),
                  "<<",
                  "'<<' merges mappings, and this is not one",
                  "write '<<: *name' where '&name' anchors a mapping, or a list of such aliases"));
        }
      }
    }
    return new YamlNode.Mapping(entries, at);
  }

  private static String plainly(String context) {
    return context
        .replaceFirst("^while \\w+ (an? )?", "the ")
        .replace("flow sequence", "list in [ ]")
        .replace("flow mapping", "mapping in { }")
        .replace("block sequence", "indented list")
        .replace("block collection", "indented list")
        .replace("block mapping", "indented mapping")
        .replace("quoted scalar", "quoted text");
  }

  private static String firstLine(String message) {
    return message == null
        ? "not valid YAML"
        : message.lines().findFirst().orElse("not valid YAML");
  }

  private static Location locationOf(Mark mark) {
    return mark == null
        ? new Location(1, 1)
        : new Location(mark.getLine() + 1, mark.getColumn() + 1);
  }
}
