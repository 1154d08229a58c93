from cv_site.cli import run

run()
