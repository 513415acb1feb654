package org.mailassure;

import org.mailassure.cli.Cli;
import org.mailassure.cli.Version;

/** The mailassure command line: a bare {@code --version} here, everything else in {@link Cli}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      // What scripts and package checks run most, answered before anything else is loaded: the
      // command line's classes would open the libraries' jars (picocli's, and those before it).
      System.out.println(Version.line());
      System.exit(0);
    }
    System.exit(Cli.system().run(args));
  }
}
