package org.mailassure.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailassure.config.YamlNode.Entry;
import org.mailassure.config.YamlNode.Location;

/**
 * Reads YAML text into a {@link YamlNode} tree with locations, using Jackson's streaming YAML
 * parser. Duplicate keys are reported, not silently overwritten as a plain object mapper would.
 */
final class YamlReader {
  private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

  private final String file;
  private final List<ConfigProblem> problems;

  YamlReader(String file, List<ConfigProblem> problems) {
    this.file = file;
    this.problems = problems;
  }

  /** Returns the document's root, or null when the text holds no document or does not parse. */
  YamlNode read(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      return readValue(parser);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String message = e.getOriginalMessage().lines().findFirst().orElse("not valid YAML");
      problems.add(
          new ConfigProblem(
              file,
              at == null ? new Location(1, 1) : new Location(at.getLineNr(), at.getColumnNr()),
              "",
              "the file is not valid YAML: " + message,
              "fix the YAML syntax (indentation with spaces, a space after each ':')"));
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("reading YAML from a string cannot fail with I/O", e);
    }
  }

  private YamlNode readValue(JsonParser parser) throws IOException {
    Location at = locationOf(parser.currentTokenLocation());
    JsonToken token = parser.currentToken();
    return switch (token) {
      case START_OBJECT -> readMapping(parser, at);
      case START_ARRAY -> readSequence(parser, at);
      case VALUE_NULL -> new YamlNode.Scalar("", true, at);
      default -> new YamlNode.Scalar(parser.getText(), false, at);
    };
  }

  private YamlNode.Mapping readMapping(JsonParser parser, Location at) throws IOException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      Location keyAt = locationOf(parser.currentTokenLocation());
      parser.nextToken();
      YamlNode value = readValue(parser);
      Entry previous = entries.putIfAbsent(key, new Entry(key, keyAt, value));
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
    return new YamlNode.Mapping(entries, at);
  }

  private YamlNode.Sequence readSequence(JsonParser parser, Location at) throws IOException {
    List<YamlNode> items = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      items.add(readValue(parser));
    }
    return new YamlNode.Sequence(items, at);
  }

  private static Location locationOf(JsonLocation location) {
    return new Location(location.getLineNr(), location.getColumnNr());
  }
}
