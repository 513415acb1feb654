package org.mailassure.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.mailassure.config.ConfigLocator;
import org.mailassure.probe.Sleeper;

/**
 * Everything a command takes from the world: its streams, environment, clock, sleeper, signals and
 * whether stderr is a terminal (for progress lines). Tests build one with string writers, a fixed
 * clock and a sleeper that never waits.
 *
 * @param console stderr as it is, for mailassure's own progress line on a terminal (which redraws
 *     itself with control characters) and nothing else: {@code out} and {@code err} neutralise
 *     every control character, since what they print can carry text from servers and files
 * @param systemConfig where the config is looked for last ({@link ConfigLocator#SYSTEM_CONFIG}),
 *     and the file whose every named file is checked as the service will see it; tests point it
 *     into their own directory, so that a machine's installed config never reaches them
 */
public record Context(
    PrintWriter out,
    PrintWriter err,
    Map<String, String> env,
    Path workingDir,
    boolean root,
    Clock clock,
    Sleeper sleeper,
    Signals signals,
    boolean terminal,
    PrintWriter console,
    Path systemConfig) {}
