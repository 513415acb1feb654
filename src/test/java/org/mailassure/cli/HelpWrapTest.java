package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Help wrapped at spaces only, continuation lines under the column the text started. */
class HelpWrapTest {
  @Test
  void anOptionsDescriptionWrapsUnderItselfAndKeepsPathsWhole() {
    String row =
        "  -c, --config=FILE   Config file. Default: $MAILASSURE_CONFIG, ./mailassure.yaml,"
            + " /etc/mailassure/mailassure.yaml.";

    assertThat(HelpWrap.wrap(row, 74))
        .isEqualTo(
            """
              -c, --config=FILE   Config file. Default: $MAILASSURE_CONFIG,
                                  ./mailassure.yaml, /etc/mailassure/mailassure.yaml.\
            """);
  }

  @Test
  void aSynopsisContinuesUnderItsFirstOption() {
    String synopsis = "Usage: mailassure send [-hvV] [--json] [-c=FILE] [--give-up-after=DURATION]";

    assertThat(HelpWrap.wrap(synopsis, 60))
        .isEqualTo(
            """
            Usage: mailassure send [-hvV] [--json] [-c=FILE]
                                   [--give-up-after=DURATION]\
            """);
  }

  @Test
  void aWordLongerThanTheRoomStaysWholeAndShortLinesAreUntouched() {
    String text = "short line\nsee https://example.gov.uk/a/very/long/path/that/does/not/fit end";

    assertThat(HelpWrap.wrap(text, 30))
        .isEqualTo(
            "short line\nsee\nhttps://example.gov.uk/a/very/long/path/that/does/not/fit\nend");
  }
}
