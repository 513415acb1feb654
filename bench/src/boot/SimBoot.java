package org.mailassure.boot;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Starts the daemon simulation (DaemonSim) as {@link Boot} starts mailassure: the JVM's class path
 * holds the layout's boot jar (and this class), and mailassure's code comes through the layout's
 * {@link ApplicationClassLoader}, which opens and releases its jars as in the product. The
 * simulation's own classes and the test jar it uses (the jars of {@code -Dbench.jars}) are added to
 * that loader as a group of their own, after the layout's.
 */
public final class SimBoot {
  private SimBoot() {}

  public static void main(String[] args) throws Throwable {
    ApplicationClassLoader loader =
        ApplicationClassLoader.ofInstallation(SimBoot.class.getClassLoader());
    Boot.useInstalledSqliteLibrary(loader.lib());
    List<Path> jars =
        Arrays.stream(System.getProperty("bench.jars").split(":")).map(Path::of).toList();
    loader.addGroup("bench", jars);
    Boot.run(loader, "DaemonSim", args);
  }
}
