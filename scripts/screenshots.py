"""Screenshots of each role's home page and a case page at 1366 px and 390 px, for docs/screens/.

    .venv/bin/python scripts/screenshots.py [--out docs/screens] [--history-days 20]

Prepares a fresh demo county exactly as `make run` does (tests.browser: migrate, collectstatic,
demo with some days of case history), serves it, signs in as each demo login in Debian's Chromium
and saves <login>-home-<width>.png and <login>-case-<width>.png (the first case the role's pages
link to; for the applicant, the progress page of their first case). Prints what it saved.
"""

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import launch, prepare_server, sign_in, stop  # noqa: E402

LOGINS = [  # (login, what the README calls it)
    ("clerk", "窗口工作人员"),
    ("teamlead", "窗口组长"),
    ("reviewer", "部门审核人员"),
    ("winsup", "窗口主管"),
    ("hallmgr", "大厅管理员"),
    ("inspector", "电子监察"),
    ("reform", "审改办"),
    ("applicant", "申请人"),
]
WIDTHS = {1366: 900, 390: 844}
SETTLE_MS = 2000
CASE_LINK = re.compile(r"^/(cases/\d+/|cases/combined/\d+/|me/cases/\d+/|progress/[^/]+/)$")


# Pages beyond each login's home and case page: (login, path, name, what it shows).
EXTRA = [
    ("reform", "/org/onboarding/", "onboarding", "机构人员导入 (issue 19)"),
    ("reform", "/catalog/import/", "catalog-import", "事项导入 (issue 19)"),
    (
        "reform",
        "/catalog/check/",
        "catalog-check",
        "事项核查报告 (placeholders among the findings)",
    ),
    (
        "applicant",
        "/guide/items/11430922MB0000002Q-4-43JY0102001XK1-000-00001/",
        "guide-local-code",
        "办事指南 opened by a local code",
    ),
    ("hallmgr", "/exchange/outbox/", "push", "省平台推送: backlog, refused records (issue 20)"),
    ("hallmgr", "/cases/province/", "province-refused", "省平台申请拒收 (issue 20)"),
    ("winsup", "/webhooks/", "webhooks", "部门系统推送 (issue 20)"),
]


def first_case_link(page, server: str, candidates: list[str]) -> str | None:
    """The first link to a case page on the role's home, then on the pages listed."""
    for path in ["", *candidates]:
        if path:
            page.goto(server + path)
        for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.pathname)"):
            if CASE_LINK.match(href):
                return href
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screens"))
    parser.add_argument("--history-days", type=int, default=20)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env = prepare_server(Path(tmp), "screens", history_days=args.history_days)
        env["ONEWINDOW_ALLOW_PLAIN_HTTP"] = "1"
        proc, server = launch(env, Path(tmp), jobs=True)  # the push page as a county sees it
        saved = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                for login, _label in LOGINS:
                    for width, height in WIDTHS.items():
                        context = browser.new_context(
                            locale="zh-CN",
                            viewport={"width": width, "height": height},
                            device_scale_factor=1,
                        )
                        page = context.new_page()
                        sign_in(page, server, login)
                        home = out / f"{login}-home-{width}.png"
                        page.wait_for_timeout(SETTLE_MS)  # the dashboards' charts animate
                        page.screenshot(path=str(home))
                        saved.append(home)
                        case = first_case_link(
                            page, server, ["/cases/search/", "/cases/window/", "/me/"]
                        )
                        if case:
                            page.goto(server + case)
                            page.wait_for_timeout(SETTLE_MS)
                            shot = out / f"{login}-case-{width}.png"
                            page.screenshot(path=str(shot))
                            saved.append(shot)
                        context.close()
                for login, path, name, _what in EXTRA:
                    for width, height in WIDTHS.items():
                        context = browser.new_context(
                            locale="zh-CN",
                            viewport={"width": width, "height": height},
                            device_scale_factor=1,
                        )
                        page = context.new_page()
                        sign_in(page, server, login)
                        page.goto(server + path)
                        page.wait_for_timeout(SETTLE_MS)
                        shot = out / f"{name}-{width}.png"
                        page.screenshot(path=str(shot), full_page=True)
                        saved.append(shot)
                        context.close()
                browser.close()
        finally:
            stop(proc)
    write_index(out, {p.name for p in saved})
    for path in saved:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def write_index(out: Path, names: set[str]) -> None:
    """docs/screens/README.md: each login's home and case page, wide and on a phone."""
    lines = [
        "# Screens",
        "",
        "Each demo login's home page and a case page, at 1366 px and at 390 px, made by",
        "`scripts/screenshots.py` from a fresh demo county (`make run`'s data with some days of",
        "history). Password for every login: `Taojiang2026`.",
        "",
        "| login | role | home 1366 | home 390 | case 1366 | case 390 |",
        "|---|---|---|---|---|---|",
    ]
    for login, label in LOGINS:
        cells = []
        for kind in ("home", "case"):
            for width in WIDTHS:
                name = f"{login}-{kind}-{width}.png"
                cells.append(f"[{kind} {width}]({name})" if name in names else "—")
        lines.append(f"| `{login}` | {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "More pages (whole page):",
        "",
        "| page | login | 1366 | 390 |",
        "|---|---|---|---|",
    ]
    for login, path, name, what in EXTRA:
        cells = [
            f"[{width}]({name}-{width}.png)" if f"{name}-{width}.png" in names else "—"
            for width in WIDTHS
        ]
        lines.append(f"| {what}: `{path}` | `{login}` | " + " | ".join(cells) + " |")
    (out / "README.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
