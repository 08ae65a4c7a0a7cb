from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class NpmFinder(BaseFinder):
    """Serves the few files named in NPM_STATIC_FILES from node_modules (installed by npm ci).

    Whole packages are not collected: only what the pages link to.
    """

    def __init__(self, *args, **kwargs):
        self.files = settings.NPM_STATIC_FILES
        self.root = settings.NODE_MODULES_DIR

    def check(self, **kwargs):
        missing = [src for src in self.files.values() if not (self.root / src).is_file()]
        if missing:
            return [
                Error(
                    f"Front-end assets are missing from {self.root}: {', '.join(missing)}",
                    hint="Run `npm ci` (the Makefile does this).",
                    id="core.E001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        source = self.files.get(path)
        if source is None or not (self.root / source).is_file():
            # An empty list either way, as Django's own finders answer: for None,
            # staticfiles.finders.find() returns [None], and WhiteNoise (serving through
            # the finders in development and tests) fails on it with a 500.
            return []
        absolute = str(self.root / source)
        return [absolute] if find_all else absolute

    def list(self, ignore_patterns):
        for target, source in self.files.items():
            if (self.root / source).is_file():
                yield target, _SingleFileStorage(self.root / source, target)


class _SingleFileStorage(FileSystemStorage):
    """Lets collectstatic copy one node_modules file under its static name."""

    def __init__(self, source, target):
        super().__init__(location=str(source.parent))
        self._source = source
        self._target = target

    def path(self, name):
        return str(self._source) if name == self._target else super().path(name)
