"""`python -m cv_site`: the cv-site command. The cycle collector is off while the command line
code is imported (~17 collections, 2 ms); `cli.main` turns it back on for `serve`."""

import gc

gc.disable()

from cv_site.cli import run  # noqa: E402

run()
