"""``make generate``: every deployment file written from the manifest.

    python -m hms_system.generate [--root .] [--check]

``--check`` writes nothing and fails, naming them, when some files differ from what the
manifest makes (``make lint`` runs it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hms_system.manifest import SYSTEM
from hms_system.model import System
from hms_system.render import targets


def rendered(root: Path, system: System = SYSTEM) -> dict[Path, tuple[str, str]]:
    """path -> (its current text, or "" when absent; what the manifest makes)."""
    found = {}
    for relative, render in targets(system).items():
        path = root / relative
        current = path.read_text() if path.exists() else ""
        found[path] = (current, render(system, current))
    return found


def stale(root: Path, system: System = SYSTEM) -> list[str]:
    """The generated files that differ from what the manifest makes."""
    return [str(path.relative_to(root)) for path, (current, new)
            in rendered(root, system).items() if current != new]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        if outdated := stale(args.root):
            sys.exit(f"stale generated files (run make generate): {', '.join(outdated)}")
        return
    for path, (current, new) in rendered(args.root).items():
        if current != new:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new)
            print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
