"""`python -m cv_site`: the cv-site command."""

from cv_site.cli import run

run()
