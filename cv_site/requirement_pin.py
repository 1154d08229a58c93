"""The line of a new site's requirements.txt that installs this cv-site on a GitHub runner.

It is read from how this cv-site was installed, as pip records it (PEP 610's direct_url.json):
- from a package index (no direct_url.json): the version, `cv-site==0.1.0`;
- from a Git URL (`pip install git+https://...`): that URL and the commit pip checked out;
- from a folder that is a Git checkout (`pip install -e .`): the checkout's `origin` and its
  HEAD, when origin is an https or ssh address of a host on the internet (ssh addresses are
  written as https, which a runner can read without a key);
- otherwise nothing a runner can install is known: the version is written with a comment, and a
  warning says what to write instead.

Nothing here uses the network: only git commands on the local checkout, each with a time limit.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cv_site import __version__

GIT_TIMEOUT = 5.0  # seconds for each git command
# What the package is built from: a change here that is not committed is not in the pinned commit.
PACKAGE_PATHS = ("cv_site", "templates", "static", "pyproject.toml")
_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")
_HOST = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_SCP_LIKE = re.compile(r"(?:[A-Za-z0-9._-]+@)?(?P<host>[^/:@]+):(?P<path>[^/].*)")
_COMMIT = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class Pin:
    line: str  # the requirement itself, e.g. "cv-site==0.1.0"
    message: str = ""  # why the line may not install this cv-site on a runner; empty when it will
    hint: str = ""  # what to do about it
    comment: str = ""  # lines starting with "# ", written above the line

    @property
    def text(self) -> str:
        return self.comment + self.line

    @property
    def exact(self) -> bool:
        return not self.message


def installed_pin() -> Pin:
    """The pin for the cv-site that is running now."""
    try:
        dist = metadata.distribution("cv-site")
    except metadata.PackageNotFoundError:  # run from a source tree, not installed
        folder = Path(__file__).resolve().parent.parent
        return pin_for(_folder_direct_url(folder), __version__)
    return pin_for(dist.read_text("direct_url.json"), dist.version or __version__)


def pin_for(direct_url: str | None, version: str) -> Pin:
    """The pin for a cv-site `version` installed as `direct_url` (the text of its direct_url.json;
    None when pip wrote none, that is when it came from a package index)."""
    if direct_url is None:
        return Pin(f"cv-site=={version}")
    try:
        info = json.loads(direct_url)
        url = str(info["url"])
    except (ValueError, KeyError, TypeError):
        return _unknown(version, "its install record (direct_url.json) cannot be read")
    vcs, archive = info.get("vcs_info"), info.get("archive_info")
    if isinstance(vcs, dict):
        commit = str(vcs.get("commit_id", ""))
        if vcs.get("vcs") != "git" or not _COMMIT.fullmatch(commit):
            return _unknown(version, f"it was installed from {url}, which is not a Git commit")
        if url.startswith("file:"):
            return _from_checkout(_file_path(url), version, commit, str(info.get("subdirectory") or ""))
        https = https_url(url)
        if https is None:
            return _unknown(version, f"it was installed from {url}, not an https or ssh address", commit)
        return Pin(f"cv-site @ git+{https}@{commit}{_subdirectory(str(info.get('subdirectory') or ''))}")
    if isinstance(archive, dict):
        https = https_url(url, archive=True)
        if https is None:
            return _unknown(version, f"it was installed from the file {url}")
        hashes = archive.get("hashes") or {}
        fragment = f"#sha256={hashes['sha256']}" if isinstance(hashes, dict) and "sha256" in hashes else ""
        return Pin(f"cv-site @ {https}{fragment}")
    if url.startswith("file:"):
        return _from_checkout(_file_path(url), version)
    return _unknown(version, f"it was installed from {url}")


def https_url(url: str, archive: bool = False) -> str | None:
    """`url` as an https address without credentials, or None when a runner cannot use it.

    https://host/owner/repo.git, ssh://git@host/owner/repo.git and git@host:owner/repo.git all give
    https://host/owner/repo (an archive's address is kept as it is, credentials aside). The host
    must have a dot in its name (a machine on the internet, not a name from ~/.ssh/config).
    """
    scp = _SCP_LIKE.fullmatch(url) if "://" not in url else None
    if scp is not None:
        scheme, host, path = "ssh", scp["host"], scp["path"]
    else:
        try:
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port
        except ValueError:
            return None
        scheme, path = parts.scheme, parts.path
        if parts.query or parts.fragment:
            return None
        if scheme == "https" and port not in (None, 443):
            host = f"{host}:{port}"
    if scheme not in ("https", "ssh") or not _HOST.fullmatch(host.split(":")[0]):
        return None
    segments = [segment for segment in path.split("/") if segment]
    if archive:
        return f"https://{host}/" + "/".join(segments) if scheme == "https" and _plain(segments) else None
    if segments and segments[-1].endswith(".git"):
        segments[-1] = segments[-1][: -len(".git")]
    return f"https://{host}/" + "/".join(segments) if len(segments) >= 2 and _plain(segments) else None


def _from_checkout(folder: Path, version: str, commit: str | None = None, subdirectory: str = "") -> Pin:
    """The pin for a cv-site installed from the folder `folder` (editable or not), or from the
    commit `commit` of the Git repository there (and its folder `subdirectory`)."""
    if not folder.is_dir():
        return _unknown(version, f"it was installed from the folder {folder}, which is not there any more")
    head = commit or _git(folder, "rev-parse", "--verify", "HEAD^{commit}")
    if head is None or not _COMMIT.fullmatch(head):
        return _unknown(version, f"it was installed from the folder {folder}, which is not a Git checkout "
                                 "with a commit (or git is not installed)")
    remote = _git(folder, "remote", "get-url", "origin")
    if not remote:
        return _unknown(version, f"it was installed from the Git checkout {folder}, which has no remote named origin",
                        head)
    https = https_url(remote)
    if https is None:
        return _unknown(version, f"it was installed from the Git checkout {folder}, whose origin ({remote}) is not "
                                 "an https or ssh address of a host on the internet", head)
    prefix = subdirectory or _git(folder, "rev-parse", "--show-prefix") or ""
    line = f"cv-site @ git+{https}@{head}{_subdirectory(prefix)}"
    short = head[:12]
    if commit is None:
        changed = _git(folder, "status", "--porcelain", "--untracked-files=normal", "--", *PACKAGE_PATHS)
        if changed != "":
            state = "has uncommitted changes" if changed else "may have changes (git status failed)"
            return Pin(line, f"the cv-site you ran {state} in {folder} that commit {short} does not hold, "
                             "so the site's workflow would build it with a different cv-site",
                       "commit and push your changes to cv-site, then write the new commit "
                       f"(git -C {folder} rev-parse HEAD) in place of {short}")
    if not _git(folder, "for-each-ref", "--count=1", "--contains", head, "refs/remotes/origin"):
        return Pin(line, f"commit {short} is not on any branch of origin ({https}) that {folder} knows of, "
                         "so a GitHub runner may not find it",
                   f"push it (git -C {folder} push), or run git fetch if it is already there")
    return Pin(line)


def _unknown(version: str, why: str, commit: str | None = None) -> Pin:
    """The version, which installs once it is released on PyPI, with what to write meanwhile."""
    example = f"cv-site @ git+https://github.com/<owner>/cv-site@{commit or '<commit>'}"
    comment = (
        "# cv-site new could not tell where a GitHub runner can install this cv-site from, so the\n"
        "# line below names its version, which installs once that version is released on PyPI.\n"
        f"# Until then, write instead the Git repository and commit of your cv-site:\n#   {example}\n"
    )
    return Pin(
        f"cv-site=={version}",
        f"GitHub's runner can install cv-site=={version} only once cv-site {version} is released on PyPI "
        f"(where else to get this cv-site is not known: {why})",
        f"unless cv-site {version} is on https://pypi.org/project/cv-site/, change this line to: {example} "
        "(the GitHub repository your cv-site comes from, and a commit pushed there)",
        comment,
    )


def _git(folder: Path, *args: str) -> str | None:
    """A git command's output in `folder`, or None if it fails, takes too long or git is missing."""
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], check=False, capture_output=True, text=True,
                                env=env, stdin=subprocess.DEVNULL, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _file_path(url: str) -> Path:
    parts = urlsplit(url)
    return Path(unquote(parts.path))


def _folder_direct_url(folder: Path) -> str:
    return json.dumps({"url": folder.as_uri(), "dir_info": {"editable": True}})


def _subdirectory(folder: str) -> str:
    """pip's `#subdirectory=` for a package that is not at the top of its repository."""
    segments = [segment for segment in folder.split("/") if segment]
    return "#subdirectory=" + "/".join(segments) if segments and _plain(segments) else ""


def _plain(segments: list[str]) -> bool:
    """Path segments that need no quoting in a requirement, none of them `.` or `..`."""
    return all(_SEGMENT.fullmatch(segment) and segment not in (".", "..") for segment in segments)
