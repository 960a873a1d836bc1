"""The static storage remembers each name's URL (common/staticfiles.py), and still refuses a name
the manifest lacks, every time."""

import pytest
from django.test import override_settings

from onewindow.common.staticfiles import StaticStorage


@pytest.fixture
def storage(tmp_path):
    (tmp_path / "app.css").write_text("body{}")
    with override_settings(STATIC_ROOT=tmp_path, STATIC_URL="/static/", DEBUG=False):
        store = StaticStorage(location=tmp_path, base_url="/static/")
        store.hashed_files = {"app.css": "app.0123abcd.css"}
        yield store


def test_the_hashed_url_once_worked_out_is_kept(storage):
    assert storage.url("app.css") == "/static/app.0123abcd.css"
    storage.hashed_files = {"app.css": "app.ffff0000.css"}  # not read again in this process
    assert storage.url("app.css") == "/static/app.0123abcd.css"
    assert storage.url("app.css", force=True) == "/static/app.ffff0000.css"


def test_a_name_missing_from_the_manifest_is_refused_each_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("missing.js")
