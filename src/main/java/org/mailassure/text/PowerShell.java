package org.mailassure.text;

/** PowerShell source for the values mailassure prints into scripts that an admin runs. */
public final class PowerShell {
  private PowerShell() {}

  /**
   * A single-quoted PowerShell string that holds {@code s} exactly. Nothing in a single-quoted
   * string is expanded ({@code $}, the backtick and double quotes are plain characters there), and
   * a quote inside is written twice, the typographic single quotes too, which PowerShell also reads
   * as quotes.
   */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B') {
        b.append(c);
      }
      b.append(c);
    }
    return b.append('\'').toString();
  }
}
