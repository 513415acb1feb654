"""For each five-field cron expression on standard input, one line: the next 12 times croniter
(Debian's python3-croniter) gives after 2026-01-01 00:00, as YYYY-MM-DDTHH:MM separated by spaces,
or ERROR and the exception's type when croniter refuses the expression."""
import datetime
import sys

from croniter import croniter

START = datetime.datetime(2026, 1, 1, 0, 0)
for line in sys.stdin:
    expression = line.rstrip("\n")
    try:
        it = croniter(expression, START)
        times = [it.get_next(datetime.datetime).strftime("%Y-%m-%dT%H:%M") for _ in range(12)]
        print(" ".join(times))
    except Exception as e:  # croniter's refusal is an answer too
        print("ERROR " + type(e).__name__)
