package org.mailassure.cli;

import java.util.List;
import org.mailassure.probe.ProbeResult;
import org.mailassure.probe.transport.SendFailure;

/** The exit codes of every command (SPEC.md), and the one place outcomes become codes. */
public final class ExitCode {
  /** All done and all good. */
  public static final int OK = 0;

  /** Done, but at least one domain failed or a check is {@code fail}. */
  public static final int FAILED = 1;

  /** Usage or configuration error: nothing sent and nothing changed. */
  public static final int USAGE = 2;

  /** Could not authenticate or reach the service at all: nothing changed. */
  public static final int UNAVAILABLE = 3;

  private ExitCode() {}

  /**
   * 0 when every mailbox succeeded; 3 when none did because Graph refused or could not be reached;
   * else 1.
   */
  public static int ofRules(List<org.mailassure.rules.RulesService.MailboxResult> results) {
    if (results.stream().allMatch(org.mailassure.rules.RulesService.MailboxResult::ok)) {
      return OK;
    }
    boolean noneReached =
        results.stream()
            .allMatch(
                r ->
                    r.failure() == org.mailassure.graph.GraphFailure.Kind.AUTHENTICATION
                        || r.failure() == org.mailassure.graph.GraphFailure.Kind.UNREACHABLE);
    return noneReached ? UNAVAILABLE : FAILED;
  }

  /**
   * 0 when every probe left; 3 when none did because none could authenticate or connect; else 1.
   */
  public static int of(List<ProbeResult> results) {
    if (results.stream().allMatch(ProbeResult::ok)) {
      return OK;
    }
    boolean noneReached =
        results.stream().noneMatch(ProbeResult::sent)
            && results.stream()
                .allMatch(
                    r ->
                        r.failure() == SendFailure.Kind.AUTHENTICATION
                            || r.failure() == SendFailure.Kind.UNREACHABLE);
    return noneReached ? UNAVAILABLE : FAILED;
  }
}
