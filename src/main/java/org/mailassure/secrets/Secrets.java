package org.mailassure.secrets;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The secrets this process holds (Graph client secrets and tokens, SMTP passwords, XOAUTH2 tokens),
 * so that none reaches stdout, stderr, the log or the journal, even when a server echoes one back
 * in its error text. Every secret is remembered where it is read or issued; every door text leaves
 * by (the command's output streams, the log's message converter, the journal's error field) passes
 * it through {@link #redact}. Besides the known values, anything shaped like a JSON Web Token or
 * following {@code Bearer} is hidden, for tokens mailassure never saw (a proxy's, a refreshed one).
 *
 * <p>Process-wide, unlike the rest of mailassure, because secrets arrive inside libraries'
 * callbacks and text leaves through doors that cannot all be handed an instance; it only ever
 * grows, and is thread-safe.
 */
public final class Secrets {
  /** What stands in a text where a secret was. */
  public static final String MASK = "[redacted]";

  /** Shorter values are not secrets worth hiding and would mask ordinary words. */
  private static final int MIN_LENGTH = 8;

  /**
   * Compiled on first use, when a text could hold a token: most output never does, and the first
   * regular expression of a run costs milliseconds of start-up (README, Benchmarks).
   */
  private static final class Patterns {
    static final Pattern JWT =
        Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*");
    static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',;]+");
  }

  private static final List<String> KNOWN = new CopyOnWriteArrayList<>();

  private Secrets() {}

  /** Remembers a secret; returns it, so a read can be wrapped in place. */
  public static String remember(String secret) {
    if (secret != null) {
      String s = secret.strip();
      if (s.length() >= MIN_LENGTH && !KNOWN.contains(s)) {
        KNOWN.add(s);
      }
    }
    return secret;
  }

  /**
   * A secret file's text (a password, client secret or token file), without the whitespace around
   * it, remembered; strictly UTF-8, so that a binary file is reported, not read as a garbled
   * secret; at most {@link org.mailassure.text.SmallFiles#MAX_KEY_OR_SECRET_BYTES}, so that a file
   * replaced after the config was checked (a link to a device, a log) is refused rather than read
   * whole.
   */
  public static String readFile(java.nio.file.Path file) throws java.io.IOException {
    return remember(
        org.mailassure.text.SmallFiles.readUtf8(
                file, org.mailassure.text.SmallFiles.MAX_KEY_OR_SECRET_BYTES)
            .strip());
  }

  /** The text with every known secret, token-shaped string and bearer credential masked. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String s : KNOWN) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    // The patterns only where they could match: every line of output passes here, and most hold
    // neither a token's "eyJ" nor the word bearer.
    if (out.contains("eyJ")) {
      out = Patterns.JWT.matcher(out).replaceAll(MASK);
    }
    return mayHoldBearer(out) ? Patterns.BEARER.matcher(out).replaceAll("$1" + MASK) : out;
  }

  /** Whether the text holds "bearer" in any case, as {@link Patterns#BEARER} would need. */
  private static boolean mayHoldBearer(String text) {
    for (int i = 0; i + 6 <= text.length(); i++) {
      char c = text.charAt(i);
      if ((c == 'b' || c == 'B') && text.regionMatches(true, i, "bearer", 0, 6)) {
        return true;
      }
    }
    return false;
  }
}
