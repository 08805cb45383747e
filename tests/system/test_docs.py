"""The README and docs/ are read by someone who has only the clone: every link
in them points to a file in the repository that exists (a link outside it —
a workplace path, a web page — would be a dead end for them)."""

import re

import pytest

from zaakstroom import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def links(path):
    text = path.read_text()
    # Links inside code blocks are examples, not links.
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return LINK.findall(text)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_stays_in_the_repository_and_resolves(doc):
    assert links(doc), f"{doc} has no links to check"
    for target in links(doc):
        assert "://" not in target and not target.startswith(("/", "mailto:")), \
            f"{doc.name} links outside the repository: {target}"
        path = (doc.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
        assert path.exists(), f"{doc.name} links to {target}, which does not exist"
