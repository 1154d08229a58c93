"""Views: what a reader sees of each paper, person, section and entry, decided once for both outputs."""
