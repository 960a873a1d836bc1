"""The accessibility audit the browser tests run: axe-core, vendored from the npm registry
(scripts/vendor) into tests/vendor, injected into the page by Playwright.

`audit(page)` fails the test on any serious or critical violation of the page as it stands,
naming each rule, its help text and the first offending elements."""

from pathlib import Path

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


def violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page (WCAG 2.1 A and AA rules), once
    the page has loaded: a click on a link returns when the navigation is under way, and axe run
    on the document being replaced failed (null documentElement) in a fresh-clone run."""
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)  # evaluate is not subject to the page's CSP, a script tag would be
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
             resultTypes: ['violations']})"""
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(found: list[dict]) -> str:
    lines = []
    for v in found:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}×: {targets})")
    return "\n".join(lines)


def audit(page) -> None:
    found = violations(page)
    assert not found, f"axe-core on {page.url}:\n{describe(found)}"
