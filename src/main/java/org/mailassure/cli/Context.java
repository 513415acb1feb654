package org.mailassure.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.mailassure.probe.Sleeper;

/**
 * Everything a command takes from the world: its streams, environment, clock, sleeper, signals and
 * whether stderr is a terminal (for progress lines). Tests build one with string writers, a fixed
 * clock and a sleeper that never waits.
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
    boolean terminal) {}
