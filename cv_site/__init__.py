"""cv-site: a static academic homepage and PDF CV from one YAML + BibTeX source."""

__version__ = "0.1.0"
