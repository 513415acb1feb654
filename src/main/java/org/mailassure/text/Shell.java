package org.mailassure.text;

import java.util.regex.Pattern;

/** Words for the shell commands that messages suggest (chmod, chown, mv, install). */
public final class Shell {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./@%+=:,-]+");

  private Shell() {}

  /**
   * One argument as a POSIX shell reads it: as it is when it holds only characters no shell treats
   * specially, so that the usual paths read plainly; otherwise in single quotes, inside which the
   * shell expands nothing, with each single quote written as {@code '\''}.
   */
  public static String arg(Object value) {
    String s = String.valueOf(value);
    if (PLAIN.matcher(s).matches()) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
