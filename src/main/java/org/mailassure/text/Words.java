package org.mailassure.text;

/**
 * Things said as people say them: counts ("1 record", "2 records"), text cut to a length, a message
 * on one line, and why a file could not be read.
 */
public final class Words {
  private Words() {}

  /** {@code n} and the noun, plural unless {@code n} is 1 (English adds "s", or "es" after x). */
  public static String count(long n, String noun) {
    if (n == 1) {
      return "1 " + noun;
    }
    return n + " " + (noun.endsWith("x") || noun.endsWith("s") ? noun + "es" : noun + "s");
  }

  /** {@code n} and the noun, with the plural given (for nouns English does not make with "s"). */
  public static String count(long n, String singular, String plural) {
    return n + " " + (n == 1 ? singular : plural);
  }

  /** At most {@code max} characters of {@code s}, and "…" when more were cut off. */
  public static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  /** A message on one line: runs of whitespace, line breaks included, become one space. */
  public static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }

  /**
   * Why a file could not be read, in words for its owner: never the exception's class, and never
   * its content.
   */
  public static String whyUnreadable(java.io.IOException e) {
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "it is not UTF-8 text: a binary file?";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "it does not exist";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? "an I/O error" : e.getMessage();
  }
}
