package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The config's YAML as the YAML specifications define it: expected values come from the text of
 * YAML 1.2.2 (https://yaml.org/spec/1.2.2/) and the merge key type
 * (https://yaml.org/type/merge.html), quoted beside each case.
 */
class YamlReaderTest {
  private final List<ConfigProblem> problems = new ArrayList<>();

  private YamlNode read(String text) {
    return new YamlReader("c.yaml", problems).read(text);
  }

  private static YamlNode.Mapping mapping(YamlNode node) {
    assertThat(node).isInstanceOf(YamlNode.Mapping.class);
    return (YamlNode.Mapping) node;
  }

  private static String text(YamlNode node) {
    assertThat(node).isInstanceOf(YamlNode.Scalar.class);
    return ((YamlNode.Scalar) node).text();
  }

  @Test
  void anAliasStandsForTheAnchoredValue() {
    // 1.2.2 section 3.2.2.2: "subsequent occurrences of a previously serialized node are presented
    // as alias nodes"; the alias means the anchored node itself.
    YamlNode root =
        read(
            """
            relay: &relay { host: relay.example.org, port: 587 }
            domains:
              - smtp: *relay
            """);

    assertThat(problems).isEmpty();
    YamlNode smtp =
        mapping(((YamlNode.Sequence) mapping(root).entries().get("domains").value()).items().get(0))
            .entries()
            .get("smtp")
            .value();
    assertThat(text(mapping(smtp).entries().get("host").value())).isEqualTo("relay.example.org");
    assertThat(text(mapping(smtp).entries().get("port").value())).isEqualTo("587");
  }

  @Test
  void aMergeKeyAddsOnlyTheKeysTheMappingDoesNotHave() {
    // merge.html: "each of its key/value pairs is inserted into the current mapping, unless the
    // key already exists in it."
    YamlNode root =
        read(
            """
            base: &base { host: a.example.org, port: 587 }
            smtp:
              <<: *base
              port: 465
            """);

    assertThat(problems).isEmpty();
    var smtp = mapping(mapping(root).entries().get("smtp").value()).entries();
    assertThat(smtp.keySet()).containsExactlyInAnyOrder("host", "port");
    assertThat(text(smtp.get("host").value())).isEqualTo("a.example.org");
    assertThat(text(smtp.get("port").value())).isEqualTo("465");
  }

  @Test
  void ofSeveralMergedMappingsTheEarlierWins() {
    // merge.html: "Keys in mapping nodes earlier in the sequence override keys specified in later
    // mapping nodes."
    YamlNode root =
        read(
            """
            one: &one { port: 1 }
            two: &two { port: 2, host: b.example.org }
            smtp:
              <<: [*one, *two]
            """);

    assertThat(problems).isEmpty();
    var smtp = mapping(mapping(root).entries().get("smtp").value()).entries();
    assertThat(text(smtp.get("port").value())).isEqualTo("1");
    assertThat(text(smtp.get("host").value())).isEqualTo("b.example.org");
  }

  @Test
  void mergingSomethingOtherThanAMappingIsAProblem() {
    read("smtp:\n  <<: just words\n");

    assertThat(problems).singleElement().asString().contains("c.yaml:2:7:", "'<<' merges mappings");
  }

  @Test
  void aSecondDocumentIsAProblemAtItsMarker() {
    // 1.2.2 section 9.2: a stream may hold several documents, "---" starting each; mailassure
    // reads one, so the second is named rather than ignored.
    YamlNode root =
        read("domains:\n  - name: a.example.org\n---\ndomains:\n  - name: b.example.org\n");

    assertThat(root).isNull();
    assertThat(problems)
        .singleElement()
        .asString()
        .contains("c.yaml:3:1:", "a second YAML document starts here");
  }

  @Test
  void aDocumentMarkerBeforeTheOnlyDocumentIsFine() {
    YamlNode root = read("---\nstate-dir: /var/lib/mailassure\n...\n");

    assertThat(problems).isEmpty();
    assertThat(mapping(root).entries()).containsKey("state-dir");
  }

  @Test
  void anAliasWithoutAnAnchorIsNamed() {
    // 1.2.2 section 7.1: "It is an error for an alias node to use an anchor that does not
    // previously occur in the document."
    read("domains:\n  - probe: *nothing\n");

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("c.yaml:2:12:", "'*nothing' is an alias, and no '&nothing' anchor");
  }

  @Test
  void anAliasInsideItsOwnAnchorIsAProblemNotAHang() {
    read("a: &loop { b: *loop }\n");

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("refers to the value that contains it");
  }

  @Test
  void aKeyWrittenTwiceIsAProblem() {
    read("state-dir: a\nstate-dir: b\n");

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("c.yaml:2:1:", "appears twice in one mapping (first at line 1)");
  }

  @Test
  void manyAliasesOfListsAreRefused() {
    // A "billion laughs" file: each level a list of aliases of the one before.
    StringBuilder text = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i <= 9; i++) {
      text.append("l").append(i).append(": &l").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        text.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
      }
      text.append("]\n");
    }

    assertThat(read(text.toString())).isNull();
    assertThat(problems).singleElement().asString().contains("not valid YAML here", "aliases");
  }

  @Test
  void aListOpenedAndNeverClosedPointsWhereItOpened() {
    read("domains: [a, b\n");

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("c.yaml:1:10:", "the list in [ ] that starts here is never closed");
  }

  @Test
  void aTabInIndentationIsNamed() {
    // 1.2.2 section 6.1: "tab characters must not be used in indentation".
    read("a:\n\tb: c\n");

    assertThat(problems).singleElement().asString().contains("c.yaml:2:1:", "TAB");
  }

  @ParameterizedTest(name = "{0} is null: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          'a:'           | true
          'a: ~'         | true
          'a: null'      | true
          'a: Null'      | true
          'a: NULL'      | true
          'a: \"null\"'  | false
          'a: '''''      | false
          'a: nil'       | false
          """)
  void nullIsWhatTheCoreSchemaSaysItIs(String yaml, boolean isNull) {
    // 1.2.2 section 10.3.2, the core schema's null: "null | Null | NULL | ~" and the empty node.
    YamlNode a = mapping(read(yaml.replace("\\\"", "\"") + "\n")).entries().get("a").value();

    assertThat(((YamlNode.Scalar) a).isNull()).isEqualTo(isNull);
  }

  @Test
  void scalarsKeepTheirTextAsWritten() {
    // Each key's reader decides what it accepts, so "0587" and "yes" reach it as written.
    var entries = mapping(read("port: 0587\nrule: yes\ntime: 06:00\n")).entries();

    assertThat(text(entries.get("port").value())).isEqualTo("0587");
    assertThat(text(entries.get("rule").value())).isEqualTo("yes");
    assertThat(text(entries.get("time").value())).isEqualTo("06:00");
  }

  @Test
  void locationsAreOneBasedLinesAndColumns() {
    var entries = mapping(read("a:\n  b: [x, y]\n")).entries();
    YamlNode.Entry b = mapping(entries.get("a").value()).entries().get("b");

    assertThat(b.keyLocation()).isEqualTo(new YamlNode.Location(2, 3));
    assertThat(b.value().location()).isEqualTo(new YamlNode.Location(2, 6));
    assertThat(((YamlNode.Sequence) b.value()).items().get(1).location())
        .isEqualTo(new YamlNode.Location(2, 10));
  }

  @Test
  void anEmptyTextIsNoDocument() {
    assertThat(read("# only a comment\n")).isNull();
    assertThat(problems).isEmpty();
  }
}
