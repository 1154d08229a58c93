"""`cv-site import-bib FILE...`: merge library exports (BibTeX from Google Scholar, DBLP, ORCID,
ACM, IEEE, Zotero/Better BibTeX; CSL-JSON) into the site's BibTeX.

Each paper of the exports is looked up among the site's papers and those added before it
(identity.py: DOI, arXiv id, title and year, a preprint and its published version):
- a new paper is added at the end of the file, under its own key (a key the site already uses for
  another paper gets a letter: guo2021b);
- a paper the site has is skipped, with the reason; the site's entry is never changed, unless
  `--update`: then the fields it lacks are added (and a preprint becomes its published version,
  keeping its key, its own fields and its arXiv id);
- two exports of one paper (Scholar's and DBLP's) become one entry with the fields of both.
The merged file must load without errors before anything is written; `--dry-run` writes nothing.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from cv_site.errors import Problem, UserError, display_path
from cv_site.filesystem import write_atomic
from cv_site.identity import Match, PaperIndex, arxiv_id, identity
from cv_site.importers.bibwrite import tex_escaped, unique_key
from cv_site.importers.csl_bib import csl_file_to_bibtex
from cv_site.load.bibblocks import RawEntry, read_blocks, split_pieces
from cv_site.load.bibtex import load_bibtex
from cv_site.load.textfile import read_bib_text
from cv_site.model import Publication

# Where a paper appeared: replaced as a whole when a preprint becomes its published version.
VENUE_FIELDS = frozenset({"journal", "booktitle", "publisher", "volume", "number", "pages", "year", "month", "doi",
                          "howpublished", "series", "organization", "address", "editor", "school", "institution"})
# What another export of the same paper may add to an entry that lacks it (not its title, authors
# or venue, which the entry already says in its own words; not an export's bookkeeping fields).
ADDABLE_FIELDS = ("doi", "url", "pages", "volume", "number", "publisher", "month", "abstract", "isbn", "issn",
                  "eprint", "archiveprefix", "eprinttype", "primaryclass", "editor", "address", "series")
# A reference manager's path to the PDF on its owner's computer: private, and no visitor can open it.
LEFT_OUT_FIELDS = frozenset({"file"})


@dataclass
class Candidate:
    """One entry of an export."""

    paper: Publication
    entry_type: str
    fields: list[tuple[str, str]]  # name (lower case) and value as written
    origin: str  # "scholar.bib:12"

    @property
    def key(self) -> str:
        return self.paper.key


@dataclass
class Change:
    key: str
    added: list[str]  # the field names it gains
    match: Match
    origin: str
    fields: list[tuple[str, str]]  # the entry's fields after the change


@dataclass
class Outcome:
    target: Path
    dry_run: bool
    added: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    merged: list[tuple[Candidate, str]] = field(default_factory=list)  # exports of a paper added this time
    renamed: dict[str, str] = field(default_factory=dict)  # an export's key -> the key it got
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        updated = len({change.key for change in self.updated})
        lines = [f"{display_path(self.target)}: {len(self.added)} added, {updated} updated, "
                 f"{len(self.skipped)} skipped" + (f", {len(self.merged)} merged" if self.merged else "")]
        for candidate in self.added:
            renamed = f" (its key was {_original(self, candidate.key)})" if candidate.key in self.renamed.values() else ""
            year = f" ({candidate.paper.year})" if candidate.paper.year else ""
            lines.append(f"  added   {candidate.key}{renamed}: {candidate.paper.title}{year} [{candidate.origin}]")
        for change in self.updated:
            badge = dict(change.fields).get("abbr") if change.match.upgrades else None
            lines.append(f"  updated {change.key}: {', '.join(change.added)} added from {change.origin} "
                         f"({change.match.reason} it)" + (f"; its abbr = {badge} was the preprint's: change it"
                                                         if badge else ""))
        for candidate, reason in self.merged:
            lines.append(f"  merged  {candidate.key} [{candidate.origin}]: {reason}")
        for candidate, reason in self.skipped:
            lines.append(f"  skipped {candidate.key} [{candidate.origin}]: {reason}")
        if self.dry_run:
            lines.append("dry run: nothing written")
        return "\n".join(lines)


def import_bib(files: list[Path], source: Path, into: Path | None, *, dry_run: bool = False,
               update: bool = False) -> Outcome:
    target = _target(source, into)
    problems: list[Problem] = []
    text, bom = _read_target(target)
    site_papers = _site_papers(source, target, text, problems)
    candidates = [candidate for path in files for candidate in _read_export(path, problems)]
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise UserError(errors)
    outcome = Outcome(target, dry_run, warnings=problems)
    entries = {entry.key: entry for entry in _raw_entries(text)}
    updates = _plan(outcome, candidates, site_papers, entries, update)
    merged = _merged_text(text, updates, {key: entries[key] for key in updates}, outcome.added)
    _check_loads(merged, target)
    if not dry_run and (outcome.added or outcome.updated):
        write_atomic(target, (codecs.BOM_UTF8 if bom else b"") + merged.encode())
    return outcome


def _read_target(target: Path) -> tuple[str, bool]:
    """The target's text ("" when it is new) and whether it starts with a byte-order mark. It must
    be UTF-8: the entries it has are written back byte for byte."""
    if not target.exists():
        return "", False
    file = display_path(target)
    if not target.is_file():
        raise UserError([Problem(file, None, None, "", "not a file", hint="give a .bib file with --into FILE")])
    raw = target.read_bytes()
    try:
        return raw.decode("utf-8-sig"), raw.startswith(codecs.BOM_UTF8)
    except UnicodeDecodeError:
        name, converted = shlex.quote(file), shlex.quote(file + ".utf8")
        raise UserError([Problem(file, None, None, "", "not UTF-8: import-bib writes UTF-8, which would change "
                                 "every entry's bytes", hint=f"convert it first: iconv -f windows-1252 -t utf-8 "
                                 f"{name} > {converted} && mv {converted} {name}")]) from None


def _target(source: Path, into: Path | None) -> Path:
    if into is not None:
        return source / into  # an absolute `into` stays as it is
    data = source / "data"
    bibs = sorted(data.glob("*.bib"))
    if (data / "publications.bib").exists() or not bibs:
        return data / "publications.bib"
    if len(bibs) == 1:
        return bibs[0]
    raise UserError([Problem(display_path(data), None, None, "", "has several .bib files: "
                             + ", ".join(path.name for path in bibs), hint="say which with --into FILE")])


def _site_papers(source: Path, target: Path, target_text: str, problems: list[Problem]) -> list[Publication]:
    """Every paper of the site's .bib files (and of `target`, when it is elsewhere)."""
    texts = {target.resolve(): (target, target_text)}
    for path in sorted((source / "data").glob("*.bib")):
        if path.resolve() not in texts:
            texts[path.resolve()] = (path, read_bib_text(path, problems) or "")
    papers = []
    for path, text in texts.values():
        loaded, found = load_bibtex(text, display_path(path), None)
        problems += [problem for problem in found if problem.severity == "error"]
        papers += loaded
    return papers


def _read_export(path: Path, problems: list[Problem]) -> list[Candidate]:
    if not path.is_file():
        raise UserError([Problem(display_path(path), None, None, "", "no such file",
                                 hint="give the path of a .bib or CSL JSON (.json) export")])
    file = display_path(path)
    is_csl = path.suffix.lower() == ".json"
    text = csl_file_to_bibtex(path) if is_csl else read_bib_text(path, problems)
    if text is None:
        return []
    papers, found = load_bibtex(text, file + " (as BibTeX)" if is_csl else file, None)
    problems += found
    raw = {entry.key: entry for entry in _raw_entries(text)}
    return [Candidate(paper, raw[paper.key].entry_type,
                      [(name.lower(), _standalone(value, paper.fields.get(name.lower(), "")))
                       for name, value, _ in raw[paper.key].fields if name.lower() not in LEFT_OUT_FIELDS],
                      f"{file} item {number}" if is_csl else f"{file}:{paper.source.line}")
            for number, paper in enumerate(papers, 1)]


def _standalone(written: str, decoded: str) -> str:
    """A value that reads the same without the export's @string definitions: as written, unless it
    names a macro (`journal = pami`, `"IEEE " # pami`); then its text, in braces."""
    bare = written[:1] not in ('"', "{") and not written.isdigit() and written.lower() not in _MONTHS
    joined = re.search(r'["}]\s*#', written) is not None
    return "{" + tex_escaped(decoded) + "}" if bare or joined else written


_MONTHS = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())


def _raw_entries(text: str) -> list[RawEntry]:
    return [block for piece in split_pieces(text) for block in read_blocks(piece) if isinstance(block, RawEntry)]


def _plan(outcome: Outcome, candidates: list[Candidate], site_papers: list[Publication],
          entries: dict[str, RawEntry], update: bool) -> dict[str, Candidate]:
    """Sort each candidate into added, merged or skipped; the target's entries to rewrite (--update)."""
    index = PaperIndex(site_papers)
    keys = {paper.key.casefold() for paper in site_papers}  # BibTeX keys are one key whatever their case
    added: dict[str, Candidate] = {}
    updates: dict[str, Candidate] = {}
    for candidate in candidates:
        match = index.find(candidate.paper)
        if match is None:
            key = unique_key(candidate.key, keys)
            if key != candidate.key:
                outcome.renamed[candidate.key] = key
                candidate = dataclasses.replace(candidate, paper=dataclasses.replace(candidate.paper, key=key))
            added[key] = candidate
            index.add(candidate.paper)
        elif match.paper.key in added:
            added[match.paper.key] = _with(added[match.paper.key], candidate, match)
            outcome.merged.append((candidate, f"{match} (one entry with the fields of both)"))
        else:
            in_target = match.paper.source.file == display_path(outcome.target)
            entry = entries.get(match.paper.key) if in_target else None
            if entry is None:
                outcome.skipped.append((candidate, f"{match} (in {match.paper.source.file}), which stays as it is"))
                continue
            own = updates.get(match.paper.key) or _as_candidate(entry, match.paper)
            gained = _with(own, candidate, match)
            if gained == own:
                outcome.skipped.append((candidate, f"{match}, which has all it says"))
                continue
            new_fields = [name for name, _ in gained.fields if name not in dict(own.fields)]
            if update:
                updates[match.paper.key] = gained
                outcome.updated.append(Change(match.paper.key, new_fields or ["its published venue"], match,
                                              candidate.origin, gained.fields))
            else:
                outcome.skipped.append((candidate, _skip_reason(match, new_fields)))
    outcome.added = list(added.values())
    return updates


def _skip_reason(match: Match, new_fields: list[str]) -> str:
    if match.upgrades:
        return f"{match}, which stays as it is; --update makes it this published version (its key and arXiv id kept)"
    return f"{match}, which stays as it is; --update adds its {', '.join(new_fields)}"


def _as_candidate(entry: RawEntry, paper: Publication) -> Candidate:
    return Candidate(paper, entry.entry_type, [(name.lower(), value) for name, value, _ in entry.fields],
                     f"{paper.source.file}:{paper.source.line}")


def _with(own: Candidate, other: Candidate, match: Match) -> Candidate:
    """`own` with what `other` (another export of the same paper) adds: the fields it lacks; when
    `other` is its published version, that venue instead of the preprint's, the arXiv id kept."""
    fields = dict(own.fields)
    entry_type = own.entry_type
    arxiv = arxiv_id(own.paper) if match.upgrades else "" if arxiv_id(own.paper) else arxiv_id(other.paper)
    if match.upgrades:
        fields = {name: value for name, value in fields.items() if name not in VENUE_FIELDS}
        fields.update((name, value) for name, value in other.fields if name in VENUE_FIELDS)
        entry_type = other.entry_type
    preprint = identity(other.paper).preprint  # its volume, pages or DOI are arXiv's, not the paper's venue's
    for name, value in other.fields:
        if name in ADDABLE_FIELDS and name not in fields and not (preprint and name in VENUE_FIELDS):
            fields[name] = value
    if arxiv and not ({"arxiv", "eprint"} & fields.keys()):
        fields.update({"eprint": "{" + arxiv + "}", "archiveprefix": "{arXiv}"})
    return dataclasses.replace(own, entry_type=entry_type, fields=list(fields.items()))


def _original(outcome: Outcome, key: str) -> str:
    return next(old for old, new in outcome.renamed.items() if new == key)


def _merged_text(text: str, updates: dict[str, Candidate], before: dict[str, RawEntry],
                 added: list[Candidate]) -> str:
    """The target's text with the updates and the new entries, in its own line endings. An updated
    entry keeps its text and gets the new fields before its closing brace; a preprint that became
    its published version is written anew, in its own layout."""
    newline = "\r\n" if "\r\n" in text else "\n"
    for key, candidate in updates.items():
        start, end = _entry_span(text, key)
        indent, width = _layout(text[start:end])
        had = {name.lower() for name, _, _ in before[key].fields}
        if candidate.entry_type != before[key].entry_type or not had <= {name for name, _ in candidate.fields}:
            entry = _entry_text(candidate, indent, width).rstrip("\n")
        else:
            entry = _with_fields(text[start:end], [(n, v) for n, v in candidate.fields if n not in had], indent, width)
        text = text[:start] + entry.replace("\n", newline) + text[end:]
    if not added:
        return text
    new = "\n".join(_entry_text(candidate) for candidate in added).replace("\n", newline)
    return (text.rstrip() + newline * 2 if text.strip() else "") + new


def _with_fields(entry: str, fields: list[tuple[str, str]], indent: str, width: int) -> str:
    """The entry's text with these fields added before its closing brace or parenthesis."""
    body, closer = entry[:-1], entry[-1]
    head = body.rstrip()
    lines = "\n".join(f"{indent}{name:<{width}} = {value}," for name, value in fields)
    return head + ("" if head.endswith(",") else ",") + "\n" + lines + (body[len(head):] or "\n") + closer


def _entry_text(candidate: Candidate, indent: str = "  ", width: int = 0) -> str:
    body = "".join(f"{indent}{name:<{width}} = {' '.join(value.split())},\n" for name, value in candidate.fields)
    return f"@{candidate.entry_type}{{{candidate.key},\n{body}}}\n"


def _layout(entry: str) -> tuple[str, int]:
    """How an entry lays out its fields: the indent, and the width its names are padded to (so
    that the `=` line up), 0 when they are not."""
    names = re.findall(r"^([ \t]*)(\w[\w-]*)([ \t]*)=", entry, re.M)
    if not names:
        return "  ", 0
    widths = {len(name) + len(space) - 1 for _, name, space in names}
    return names[0][0] or "  ", widths.pop() if len(widths) == 1 and len(names) > 1 else 0


def _entry_span(text: str, key: str) -> tuple[int, int]:
    """Where the entry with this key is in the text: from its @ to its closing brace (or
    parenthesis), included. Braces nest inside it; a backslash escapes the next character."""
    start = re.search(r"^[ \t]*(@\w+[ \t]*([{(])[ \t]*" + re.escape(key) + r"[ \t]*,)", text, re.M)
    assert start is not None, key  # the key was read from this very text
    closer = "}" if start.group(2) == "{" else ")"
    depth, position = 0, start.end(1)
    while position < len(text):
        char = text[position]
        position += 2 if char == "\\" else 1
        if char == closer and depth == 0:
            return start.start(1), position
        depth += {"{": 1, "}": -1}.get(char, 0)
    raise AssertionError(key)  # the entry was read from this text, so it is closed


def _check_loads(text: str, target: Path) -> None:
    """The merged file loads without errors (an export's entry that would break it is refused above)."""
    _, problems = load_bibtex(text, display_path(target), None)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise UserError(errors)
