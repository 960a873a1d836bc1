"""The history's clock: steps scheduled on a heap, each run with the clock travelled to its
moment (time-machine), working day after working day."""

import datetime
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import time_machine
from django.utils import timezone

from onewindow import workdays
from onewindow.supervision.dashboard import rollup


@dataclass(order=True)
class Task:
    when: datetime.datetime
    seq: int
    run: Callable = field(compare=False)


class Clock:
    """Runs `arrive` at random hours of each working day and `day_end` at its close; the
    subclass supplies both."""

    rng: random.Random
    per_day: int

    def __init__(self, *, start: datetime.date, end: datetime.date, per_day: int):
        self.start, self.end, self.per_day = start, end, per_day
        self.queue: list[Task] = []
        self.seq = itertools.count()

    def at(self, day: datetime.date, hour: float, run: Callable) -> None:
        """Schedule `run(day)` on working day `day` at `hour` (local time, 8.5 = 8:30)."""
        naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour)
        heapq.heappush(self.queue, Task(timezone.make_aware(naive), next(self.seq), run))

    def later(self, day: datetime.date, workdays_after: int, lo=8.6, hi=17.0, run=None) -> None:
        target = workdays.add_workdays(day, workdays_after) if workdays_after else day
        self.at(target, self.rng.uniform(lo, hi), run)

    def run(self) -> None:
        day = self.start
        while day <= self.end:
            if workdays.is_workday(day):
                for _ in range(self._arrivals()):
                    self.at(day, self.rng.uniform(8.5, 16.8), self.arrive)
                close = timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 40)))
                while self.queue and self.queue[0].when <= close:
                    task = heapq.heappop(self.queue)
                    self._travel(task.when, task.run, task.when.date())
                self._travel(close, self.day_end, day)
            day += datetime.timedelta(days=1)
        rollup()

    def _arrivals(self) -> int:
        return max(1, round(self.rng.gauss(self.per_day, self.per_day / 5)))

    def _travel(self, when: datetime.datetime, run: Callable, day: datetime.date) -> None:
        with time_machine.travel(when, tick=False):
            run(day)

    def _hour(self) -> float:
        now = timezone.localtime()
        return now.hour + now.minute / 60
