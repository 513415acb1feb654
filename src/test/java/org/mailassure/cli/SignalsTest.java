package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the daemon says about SIGHUP, from the kernel's SigIgn mask (signal 1 is bit 0). */
class SignalsTest {
  private static String status(String sigIgn) {
    return "Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t" + sigIgn + "\nSigCgt:\t0\n";
  }

  @Test
  void nothingIsSaidWhenSighupIsHandledAsUsual() {
    assertThat(Signals.hangupNote(Map.of(), status("0000000000001000"))).isNull();
    assertThat(Signals.hangupNote(Map.of(), null)).isNull();
  }

  @Test
  void anIgnoredSighupIsNamedWithWhatToDo() {
    assertThat(Signals.hangupNote(Map.of(), status("0000000000000001")))
        .contains("SIGHUP is ignored", "bin/mailassure");
  }

  @Test
  void aSighupTheLauncherRestoredIsNotedAsWorking() {
    assertThat(
            Signals.hangupNote(
                Map.of("MAILASSURE_SIGHUP_WAS_IGNORED", "restored"), status("0000000000001000")))
        .contains("the launcher restored it");
  }
}
