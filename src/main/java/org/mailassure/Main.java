package org.mailassure;

import org.mailassure.cli.Cli;

/** The mailassure command line; everything happens in {@link Cli}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.system().run(args));
  }
}
