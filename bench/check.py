"""The pages' regression check: a fresh run of bench/pages_bench.py on the database in
DATABASE_URL, compared with the figures recorded for this engine and table size in
bench/recorded/pages-<vendor>-<cases>.json, page by page, as ratios.

    make bench-check                                   # a 10,000-case SQLite county under var/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_bench10k .venv/bin/python bench/check.py
    .venv/bin/python bench/check.py --record           # the fresh run becomes the record

A page is flagged when its median is more than SLOWER (1.5) times its recorded median (and more
than SLACK_MS slower: a page of 2 ms is not flagged for 1 ms of jitter), when its query count
changed (either way: a pinned count moves only with a new record, in the commit that explains
it), when it failed, or when a recorded page is no longer measured. A page flagged only for
being slow is measured once more and judged on the faster of its two medians (another process
on a shared machine can stall one run). The geometric mean of all ratios is printed too: when
every page is slower by the same factor, the machine is, not the code; with --relative each
page is judged against that mean instead (on another machine, or a busy one: a shared 2-core
machine under a test run makes every page 1.5-3× slower). Exit status 1 when any page is
flagged; 2 when nothing is recorded for this database.
"""

import argparse
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded"
SLOWER = 1.5
SLACK_MS = 1.0


def recorded_path(vendor: str, cases: int) -> Path:
    return RECORDED / f"pages-{vendor}-{cases}.json"


@dataclass
class Row:
    key: str
    recorded_ms: float | None = None
    fresh_ms: float | None = None
    recorded_q: int | None = None
    fresh_q: int | None = None
    flags: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.recorded_ms or self.fresh_ms is None:
            return None
        return self.fresh_ms / self.recorded_ms

    @property
    def slow(self) -> bool:
        return any(f.startswith("slower") for f in self.flags)


def compare(
    recorded: dict, fresh: dict, slower: float = SLOWER, slack_ms: float = SLACK_MS, scale=1.0
):
    """One Row per page of either run, by key; a Row's flags say what fails the check. With
    `scale`, the recorded figures are first multiplied by it (the fresh run's overall speed)."""
    old, new, failed = recorded["pages"], fresh["pages"], fresh.get("failed", {})
    rows = []
    for key in sorted(old.keys() | new.keys() | failed.keys()):
        row = Row(key)
        if key in old:
            row.recorded_ms, row.recorded_q = old[key]["median_ms"], old[key]["queries"]
        if key in new:
            row.fresh_ms, row.fresh_q = new[key]["median_ms"], new[key]["queries"]
        if key in failed:
            row.flags.append(f"failed: {failed[key]}")
        elif key not in new:
            row.flags.append("recorded but not measured any more")
        elif key not in old:
            row.note = "new: not recorded yet (--record)"
        else:
            if row.fresh_q != row.recorded_q:
                row.flags.append(f"queries {row.recorded_q} → {row.fresh_q}")
            expected = row.recorded_ms * scale
            if row.fresh_ms > slower * expected and row.fresh_ms - expected > slack_ms:
                where = "" if scale == 1.0 else f" (× {scale:.2f}, the run's overall speed)"
                row.flags.append(f"slower than {slower}× its recorded median{where}")
        rows.append(row)
    return rows


def machine_factor(rows: list[Row]) -> float | None:
    """The geometric mean of the ratios of the pages measured in both runs."""
    ratios = [r.ratio for r in rows if r.ratio]
    return math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else None


def table(rows: list[Row]) -> str:
    lines = [f"{'page':<44} {'recorded':>9} {'fresh':>9} {'ratio':>6} {'queries':>9}  flags"]
    for r in rows:
        ms = [f"{v:9.1f}" if v is not None else f"{'-':>9}" for v in (r.recorded_ms, r.fresh_ms)]
        ratio = f"{r.ratio:6.2f}" if r.ratio else f"{'-':>6}"
        q = f"{r.recorded_q if r.recorded_q is not None else '-'}→{r.fresh_q or '-'}"
        flags = "; ".join(r.flags) or r.note
        lines.append(f"{r.key:<44} {ms[0]} {ms[1]} {ratio} {q:>9}  {flags}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="write the fresh run as the record")
    parser.add_argument("--recorded", help="the recorded figures (default: by vendor and size)")
    parser.add_argument("--runs", type=int, help="timed views per page (default 15)")
    parser.add_argument("--only", default="", help="only the pages whose key contains this")
    parser.add_argument(
        "--relative",
        action="store_true",
        help="judge each page against the run's overall speed (another or a busier machine)",
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(HERE))
    import pages_bench  # sets the environment's defaults, as bench/dataset.py does

    pages_bench.start_clock()
    pages_bench.setup()
    runs = args.runs or pages_bench.RUNS
    print(pages_bench.HEADER)
    fresh = pages_bench.run(args.only, runs)
    pages_bench.report_failed(fresh)
    path = Path(args.recorded) if args.recorded else recorded_path(fresh["vendor"], fresh["cases"])
    if args.record:
        if fresh["failed"]:
            print("not recorded: some pages failed")
            return 1
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(fresh, ensure_ascii=False, indent=1) + "\n")
        print(f"recorded {len(fresh['pages'])} pages in {path}")
        return 0
    if not path.exists():
        print(f"nothing recorded in {path} ({fresh['vendor']}, {fresh['cases']:,} cases): run")
        print("bench/check.py --record on the version the figures should hold for")
        return 2
    recorded = json.loads(path.read_text())
    if args.only:
        recorded["pages"] = {k: v for k, v in recorded["pages"].items() if args.only in k}
    scale = (machine_factor(compare(recorded, fresh)) or 1.0) if args.relative else 1.0
    rows = compare(recorded, fresh, scale=scale)
    again = {r.key for r in rows if r.slow}
    if again:
        print(f"measuring again the {len(again)} pages slower than {SLOWER}×:")
        second = pages_bench.run(args.only, runs, keys=again)
        for key, figures in second["pages"].items():
            if figures["median_ms"] < fresh["pages"][key]["median_ms"]:
                fresh["pages"][key] = figures
        rows = compare(recorded, fresh, scale=scale)
    print()
    print(
        f"recorded {recorded['date']} ({path.name}); fresh {fresh['date']}; ratio = fresh/recorded"
    )
    print(table(rows))
    factor = machine_factor(rows)
    if factor:
        print(f"geometric mean of the ratios: {factor:.2f}", end="")
        print("; each page judged against it (--relative)" if args.relative else "")
        loads = [d.get("load") for d in (recorded, fresh)]
        if all(loads):
            print(f"load average (1 min) at the end: recorded {loads[0]:.1f}, fresh {loads[1]:.1f}")
        if factor > SLOWER and not args.relative:
            print(
                "every page is slower: a busier or slower machine than the record's, or a cost "
                "every page pays; --relative judges each page against the others"
            )
    flagged = [r for r in rows if r.flags]
    print(f"{len(flagged)} of {len(rows)} pages flagged" if flagged else "no page flagged")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
