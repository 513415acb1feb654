package org.mailassure.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.mailassure.probe.Sleeper;

/** A sleeper that never waits and remembers every wait asked of it. */
public final class RecordingSleeper implements Sleeper {
  private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void sleep(Duration duration) {
    waits.add(duration);
  }

  public List<Duration> waits() {
    return List.copyOf(waits);
  }
}
