"""Paths to the shared HJ 212 golden data (../shared beside the checkout, as in CI)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HJ212_DATA = REPO_ROOT.parent / "shared" / "data" / "hj212"


def sample_lines() -> list[str]:
    """samples.txt as a list of frames (without CR LF), index 0 = line 1."""
    return (HJ212_DATA / "samples.txt").read_text(encoding="utf-8").split("\n")[:31]


def std_examples() -> list[tuple[int, bool, str]]:
    """(line number, has std defects '#!', frame) for every frame line of std_examples_derived.txt."""
    out = []
    for no, line in enumerate(
        (HJ212_DATA / "std_examples_derived.txt").read_text(encoding="utf-8").split("\n"), 1
    ):
        if line.startswith("##"):
            out.append((no, False, line))
        elif line.startswith("#! ##"):
            out.append((no, True, line[3:]))
    return out
