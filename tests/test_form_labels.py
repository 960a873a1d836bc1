"""Every field written into a template has a label (issue 17 item 7): an <input>, <select> or
<textarea> is inside a <label>, or its id is some <label for>'s, or it has aria-label or
aria-labelledby. A placeholder or a title is not a label. Fields Django renders ({{ field }}) are
labelled by _form.html and checked in the browser by axe-core (test_browser_a11y.py)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "onewindow"
FIELD = re.compile(r"<(input|select|textarea)\b((?:[^>{]|\{[^}]*\})*)>", re.S)
LABEL_TAG = re.compile(r"<label\b|</label>")
LABEL_FOR = re.compile(r"<label\b[^>]*\bfor=\"([^\"]+)\"")
NO_LABEL_NEEDED = re.compile(r"\btype=\"?(hidden|submit|button|reset|image)\b")
NAMED = re.compile(r"\baria-label(ledby)?=")
ID = re.compile(r"\bid=\"([^\"]+)\"")

# Partials whose field is labelled where they are included.
LABELLED_ELSEWHERE = {
    "org/templates/org/_staff_options.html": "the staff picker widget's <label for> (_form.html)",
}


def unlabelled(text: str) -> list[tuple[int, str]]:
    fors = set(LABEL_FOR.findall(text))
    found = []
    for m in FIELD.finditer(text):
        attrs = m.group(2)
        if NO_LABEL_NEEDED.search(attrs) or NAMED.search(attrs):
            continue
        field_id = ID.search(attrs)
        if field_id and field_id.group(1) in fors:
            continue
        depth = sum(1 if t == "<label" else -1 for t in LABEL_TAG.findall(text[: m.start()]))
        if depth > 0:  # inside a <label>
            continue
        found.append((text.count("\n", 0, m.start()) + 1, m.group(0)[:90]))
    return found


def test_the_checker_tells_labelled_from_unlabelled():
    assert unlabelled('<label>名称 <input name="a"></label>') == []
    assert unlabelled('<label for="x">名称</label><select id="x" name="a"></select>') == []
    assert unlabelled('<input name="a" aria-label="名称"><input type="hidden" name="b">') == []
    assert [n for n, _ in unlabelled('<p>\n<input name="a" placeholder="名称" title="名称">')] == [
        2
    ]
    assert len(unlabelled('<label for="y">名称</label><textarea id="x"></textarea>')) == 1


def test_every_field_in_the_templates_has_a_label():
    missing = []
    for path in sorted(SRC.glob("**/templates/**/*.html")):
        name = str(path.relative_to(SRC))
        if name in LABELLED_ELSEWHERE:
            continue
        missing += [f"{name}:{line}: {tag}" for line, tag in unlabelled(path.read_text())]
    assert not missing, "fields without a label:\n" + "\n".join(missing)
