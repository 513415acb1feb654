package org.mailassure.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.mailassure.config.CronExpression;

/**
 * The probe slots of a five-field UNIX cron expression in a time zone.
 *
 * <p>The expression is asked only about wall-clock times, and each matching wall time becomes one
 * instant here with {@link ZonedDateTime#ofLocal}: a wall time that occurs twice when clocks go
 * back is taken at its first occurrence, and one skipped when clocks go forward is moved forward by
 * the gap, as cron implementations do for fixed-time jobs. So Europe/London's spring-forward and
 * fall-back days each give a daily schedule exactly one slot, and a next slot is always strictly
 * after the time asked about. Immutable and thread-safe.
 */
public final class Schedule {
  /** How many wall-clock matches are mapped at a time; more than any DST transition can reorder. */
  private static final int WINDOW = 8;

  /** Wall times this far either side are considered, covering any daylight-saving shift. */
  private static final long MARGIN_HOURS = 3;

  private final CronExpression cron;
  private final ZoneId zone;

  public Schedule(CronExpression cron, ZoneId zone) {
    this.cron = cron;
    this.zone = zone;
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first slot strictly after {@code after}; empty only for a schedule that never fires. */
  public Optional<Instant> next(Instant after) {
    return search(after, true);
  }

  /** The latest slot at or before {@code atOrBefore}; empty when there is none in the last year. */
  public Optional<Instant> latest(Instant atOrBefore) {
    return search(atOrBefore, false);
  }

  /**
   * Walks wall-clock matches from a little before (forward) or after (backward) {@code at}, a
   * window at a time, maps each to its instant, and returns the nearest on the wanted side of
   * {@code at}. Looking at a window rather than the first match is what keeps DST reordering
   * harmless.
   */
  private Optional<Instant> search(Instant at, boolean forward) {
    LocalDateTime start = LocalDateTime.ofInstant(at, zone);
    LocalDateTime wall =
        forward ? start.minusHours(MARGIN_HOURS) : start.plusHours(MARGIN_HOURS).plusMinutes(1);
    LocalDateTime floor = wall.minusYears(1);
    for (int round = 0; round < 400 && (forward || wall.isAfter(floor)); round++) {
      Instant best = null;
      LocalDateTime last = wall;
      for (int i = 0; i < WINDOW; i++) {
        Optional<LocalDateTime> match = forward ? cron.next(last) : cron.previous(last);
        if (match.isEmpty()) {
          break;
        }
        last = match.get();
        Instant t = instant(last);
        boolean wanted = forward ? t.isAfter(at) : !t.isAfter(at);
        if (wanted && (best == null || (forward ? t.isBefore(best) : t.isAfter(best)))) {
          best = t;
        }
      }
      if (best != null) {
        return Optional.of(best);
      }
      if (last.equals(wall)) {
        return Optional.empty();
      }
      wall = last;
    }
    return Optional.empty();
  }

  private Instant instant(LocalDateTime wall) {
    return ZonedDateTime.ofLocal(wall, zone, null).toInstant();
  }
}
