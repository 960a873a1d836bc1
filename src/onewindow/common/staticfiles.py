"""The static files' storage: whitenoise's compressed, hashed files, with each name's URL worked
out once a process. The manifest does not change while a process runs (collectstatic writes it
before the server starts), and a page names eight static files: each `{% static %}` looked the
hashed name up, joined and quoted it again, about 110 Python calls, 2.5% of a workbench page
(issue 22)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            # A name missing from the manifest raises here, every time: only answers are kept.
            found = self._urls[name] = super().url(name, force)
            return found
