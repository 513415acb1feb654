package org.mailassure.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordsTest {
  @Test
  void oneIsSingularAndEveryOtherCountPlural() {
    assertThat(Words.count(1, "record")).isEqualTo("1 record");
    assertThat(Words.count(0, "record")).isEqualTo("0 records");
    assertThat(Words.count(2, "probe")).isEqualTo("2 probes");
    assertThat(Words.count(3, "mailbox")).isEqualTo("3 mailboxes");
  }
}
