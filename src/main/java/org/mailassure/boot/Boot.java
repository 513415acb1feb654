package org.mailassure.boot;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The main class that {@code bin/mailassure} starts: it makes the installation's {@link
 * ApplicationClassLoader} and runs {@code org.mailassure.Main} in it. mailassure's classes are thus
 * loaded by a loader that can take in {@code lib/graph/} later, while the JVM keeps its own
 * application class loader (and the class-data sharing archive that serves it).
 */
public final class Boot {
  private Boot() {}

  public static void main(String[] args) throws Throwable {
    ApplicationClassLoader loader =
        ApplicationClassLoader.ofInstallation(Boot.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
    MethodHandle main =
        MethodHandles.publicLookup()
            .findStatic(
                Class.forName("org.mailassure.Main", true, loader),
                "main",
                MethodType.methodType(void.class, String[].class));
    main.invokeExact(args);
  }
}
