package org.mailassure.text;

/** Counts said as people say them: "1 record", "2 records", "0 records". */
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
}
