package org.mailassure.text;

/** Words for the shell commands that messages suggest (chmod, chown, mv, install). */
public final class Shell {
  private Shell() {}

  /**
   * {@code [A-Za-z0-9_./@%+=:,-]+}: characters no shell treats specially. (Checked by hand, not by
   * a regular expression: validate prints paths through here, and the first regular expression of a
   * run costs milliseconds of start-up.)
   */
  static boolean isPlain(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "_./@%+=:,-".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * One argument as a POSIX shell reads it: as it is when it holds only characters no shell treats
   * specially, so that the usual paths read plainly; otherwise in single quotes, inside which the
   * shell expands nothing, with each single quote written as {@code '\''}.
   */
  public static String arg(Object value) {
    String s = String.valueOf(value);
    if (isPlain(s)) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
