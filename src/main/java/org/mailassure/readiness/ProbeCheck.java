package org.mailassure.readiness;

import java.time.Duration;
import java.time.Instant;
import org.mailassure.config.DomainSettings;
import org.mailassure.journal.JournalState;

/** {@code probe}: the state store has a {@code sent} probe for the domain in the last 26 hours. */
final class ProbeCheck {
  static final Duration WINDOW = Duration.ofHours(26);

  private ProbeCheck() {}

  static CheckResult run(JournalState journal, DomainSettings d, Instant now) {
    if (!d.probe()) {
      return CheckResult.skip(CheckId.PROBE, "probe: false for this domain");
    }
    var state = journal.get(d.name());
    Instant last = state.map(JournalState.DomainState::lastSuccess).orElse(null);
    String fix =
        "make sure the daemon runs (systemctl status mailassure; mailassure status), or send one now: "
            + "mailassure send --domain "
            + d.name();
    if (last == null) {
      return CheckResult.fail(
          CheckId.PROBE, "the state store has no sent probe for " + d.name(), fix);
    }
    if (Duration.between(last, now).compareTo(WINDOW) > 0) {
      return CheckResult.fail(
          CheckId.PROBE, "the last sent probe was at " + last + ", over 26 hours ago", fix);
    }
    var s = state.get();
    if (s.futureSlot() != null) {
      return new CheckResult(
          CheckId.PROBE,
          Status.WARN,
          "sent at "
              + last
              + ", but the state store has a slot in the future ("
              + s.futureSlot()
              + "), left by a clock that was stepped back",
          "check the host's clock (timedatectl; chronyc tracking); the future slot blocks nothing"
              + " and stops being reported once the clock passes it");
    }
    return CheckResult.pass(
        CheckId.PROBE,
        "sent at " + last + (s.tlsProtocol() == null ? "" : " over " + s.tlsProtocol()));
  }
}
