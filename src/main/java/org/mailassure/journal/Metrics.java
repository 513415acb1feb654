package org.mailassure.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;

/**
 * Writes {@code state-dir/mailassure.prom} in the Prometheus text exposition format, for the
 * node_exporter textfile collector: written to a temporary file and renamed over the old one, so a
 * scrape never sees half a file.
 */
public final class Metrics {
  public static final String FILE_NAME = "mailassure.prom";

  private Metrics() {}

  /**
   * A reply-mode mailbox as the metrics show it.
   *
   * @param lastLook the last look that worked, or null
   * @param lastReply the last reply Graph accepted, or null
   * @param failures replies that failed (for good, or to be tried again)
   */
  public record Mailbox(
      String domain, String mailbox, Instant lastLook, Instant lastReply, long failures) {}

  /**
   * Writes the metrics of the given domains and the next slot (null when there is none).
   *
   * @param storeUp whether the state store took the daemon's last write
   */
  public static void write(
      Path stateDir, JournalState state, List<String> domains, Instant nextSlot, boolean storeUp)
      throws IOException {
    write(stateDir, state, domains, nextSlot, storeUp, List.of());
  }

  /** As above, with the reply agent's mailboxes. */
  public static void write(
      Path stateDir,
      JournalState state,
      List<String> domains,
      Instant nextSlot,
      boolean storeUp,
      List<Mailbox> mailboxes)
      throws IOException {
    StringBuilder b = new StringBuilder(256 + domains.size() * 600 + mailboxes.size() * 300);
    family(
        b,
        "mailassure_probe_last_success_timestamp_seconds",
        "gauge",
        "Unix time the relay or Graph last accepted a probe from the domain; 0 before its first.");
    // 0, not absent, before a domain's first success: "time() - this > 26*3600" then also fires
    // for a domain that has never been proven (whose probes have failed since it was added),
    // where an absent series would never fire.
    for (String d : domains) {
      String success =
          state.get(d).map(JournalState.DomainState::lastSuccess).map(Metrics::seconds).orElse("0");
      sample(b, "mailassure_probe_last_success_timestamp_seconds", d, null, success);
    }
    family(
        b,
        "mailassure_probe_last_attempt_timestamp_seconds",
        "gauge",
        "Unix time of the last attempt to send the domain's probe.");
    for (String d : domains) {
      state
          .get(d)
          .map(JournalState.DomainState::lastAttempt)
          .ifPresent(
              t ->
                  sample(
                      b, "mailassure_probe_last_attempt_timestamp_seconds", d, null, seconds(t)));
    }
    family(
        b,
        "mailassure_probe_failures_total",
        "counter",
        "Probes that failed for good, per domain.");
    for (String d : domains) {
      sample(
          b,
          "mailassure_probe_failures_total",
          d,
          null,
          Long.toString(state.get(d).map(JournalState.DomainState::failures).orElse(0L)));
    }
    family(
        b,
        "mailassure_probe_missed_total",
        "counter",
        "Slots not sent because mailassure was down for longer than probe.catch-up.");
    for (String d : domains) {
      sample(
          b,
          "mailassure_probe_missed_total",
          d,
          null,
          Long.toString(state.get(d).map(JournalState.DomainState::missed).orElse(0L)));
    }
    family(
        b,
        "mailassure_probe_tls_info",
        "gauge",
        "TLS protocol and cipher of the domain's last sent probe.");
    for (String d : domains) {
      state
          .get(d)
          .filter(s -> s.tlsProtocol() != null)
          .ifPresent(
              s ->
                  sample(
                      b,
                      "mailassure_probe_tls_info",
                      d,
                      "protocol=\""
                          + escape(s.tlsProtocol())
                          + "\",cipher=\""
                          + escape(s.tlsCipher())
                          + "\"",
                      "1"));
    }
    family(
        b,
        "mailassure_probe_future_slot_timestamp_seconds",
        "gauge",
        "A settled slot later than the clock (left by a clock stepped back); absent when none.");
    for (String d : domains) {
      state
          .get(d)
          .map(JournalState.DomainState::futureSlot)
          .ifPresent(
              t ->
                  sample(b, "mailassure_probe_future_slot_timestamp_seconds", d, null, seconds(t)));
    }
    if (!mailboxes.isEmpty()) {
      mailboxFamily(
          b,
          "mailassure_reply_last_look_timestamp_seconds",
          "gauge",
          "Unix time the reply agent last looked at the domain's mailbox without error; 0 before"
              + " its first.",
          mailboxes,
          // 0 before the first look that worked, as for probes: a mailbox whose looks have failed
          // from the start (a missing Graph permission) trips a staleness alert too. The last
          // reply stays absent until there is one: no message to answer is no fault.
          m -> m.lastLook() == null ? "0" : seconds(m.lastLook()));
      mailboxFamily(
          b,
          "mailassure_reply_last_success_timestamp_seconds",
          "gauge",
          "Unix time Graph last accepted a reply from the domain's mailbox.",
          mailboxes,
          m -> m.lastReply() == null ? null : seconds(m.lastReply()));
      mailboxFamily(
          b,
          "mailassure_reply_failures_total",
          "counter",
          "Replies to the assessment service that failed, per mailbox.",
          mailboxes,
          m -> Long.toString(m.failures()));
    }
    family(
        b,
        "mailassure_state_store_up",
        "gauge",
        "1 when the state store took the daemon's last write; 0 while sending waits for it.");
    b.append("mailassure_state_store_up ").append(storeUp ? 1 : 0).append('\n');
    if (nextSlot != null) {
      family(
          b,
          "mailassure_next_slot_timestamp_seconds",
          "gauge",
          "Unix time of the next scheduled slot.");
      b.append("mailassure_next_slot_timestamp_seconds ").append(seconds(nextSlot)).append('\n');
    }
    Files.createDirectories(stateDir);
    Path tmp = stateDir.resolve(FILE_NAME + ".tmp");
    // A new file (O_EXCL), never whatever is at that name: a link left there would have root write
    // the metrics into the file it points to. The move then replaces mailassure.prom itself.
    Files.deleteIfExists(tmp);
    Files.write(
        tmp,
        b.toString().getBytes(StandardCharsets.UTF_8),
        java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE);
    // Read by node_exporter as its own user, and nothing in it is secret: 0644 whatever the umask
    // (the unit's UMask=0077 would make it 0600, which node_exporter cannot open).
    Files.setPosixFilePermissions(
        tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    Files.move(
        tmp,
        stateDir.resolve(FILE_NAME),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** A family with one sample a mailbox; a mailbox whose value is null has none. */
  private static void mailboxFamily(
      StringBuilder b,
      String name,
      String type,
      String help,
      List<Mailbox> mailboxes,
      java.util.function.Function<Mailbox, String> value) {
    family(b, name, type, help);
    for (Mailbox m : mailboxes) {
      String v = value.apply(m);
      if (v != null) {
        sample(b, name, m.domain(), "mailbox=\"" + escape(m.mailbox()) + "\"", v);
      }
    }
  }

  private static void family(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(
      StringBuilder b, String name, String domain, String more, String value) {
    b.append(name).append("{domain=\"").append(escape(domain)).append('"');
    if (more != null) {
      b.append(',').append(more);
    }
    b.append("} ").append(value).append('\n');
  }

  private static String seconds(Instant t) {
    return Long.toString(t.getEpochSecond());
  }

  /** Label values escape backslash, double quote and line feed (Prometheus text format). */
  static String escape(String v) {
    return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
