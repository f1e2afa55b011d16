"""Rule messages and job descriptions cite the loaded locality's regulation, never another locality's (issue 14,
“citations per locality”): a 象山 or 酉阳 editor is never told about 钦州's 办法."""

from __future__ import annotations

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from govportal.portal.models import InterpretationPage, PolicyDocumentPage, RepostPage, Validity
from govportal.publishing.schedule import JOBS

ROOT = Path(__file__).resolve().parents[2]


def _make_default(home):
    from wagtail.models import Site

    Site.objects.update(is_default_site=False)
    site = Site.objects.filter(root_page=home).first()
    site.is_default_site = True
    site.save()


def _messages(home) -> list[str]:
    """The messages an editor of ``home``'s site gets for the item rules that carry a citation in 钦州."""
    from govportal.portal.columns import main_columns

    col = main_columns(home)[0]
    out = []
    for page, field in (
        (RepostPage(title="转载", original_url="https://www.gov.cn/"), "source"),
        (InterpretationPage(title="评论", form="媒体评论", body="<p>评论</p>"), "source"),
        (PolicyDocumentPage(title="文件", body="<p>正文</p>", validity=Validity.REPEALED), "validity_date"),
    ):
        page._cached_parent_obj = col  # as placed in the site's column (what the page editor does)
        with pytest.raises(ValidationError) as exc:
            page.clean()
        out.append(exc.value.message_dict[field][0])
    return out


@pytest.mark.parametrize("locality", ["xiangshan", "youyang"])
def test_another_locality_never_reads_a_qinzhou_citation(db, locality):
    from govportal.portal.columns import home_for, load
    from govportal.rules.profile import load_profile

    load(locality)
    home = home_for(locality)
    _make_default(home)
    messages = _messages(home)
    assert "转载信息须注明来源" in messages[0] and "媒体评论须注明来源媒体" in messages[1]
    texts = messages + [j.description_for(locality) for j in JOBS]
    out = StringIO()
    call_command("jobs", "--list", stdout=out)
    texts.append(out.getvalue())
    for text in texts:
        assert "钦州" not in text, text
    # what this locality's own regulation says is cited with its own name
    regulation = load_profile(locality).regulation
    freshness = next(j for j in JOBS if j.name == "column_freshness").description_for(locality)
    assert f"《{regulation}》" in freshness


def test_qinzhou_still_reads_its_own_articles(db, qinzhou):
    messages = _messages(qinzhou)
    assert "《钦州市人民政府门户网站管理办法》第十条" in messages[0]
    assert "《钦州市人民政府门户网站管理办法》第七条（二）" in messages[1]
    assert "《钦州市人民政府门户网站管理办法》附件1" in messages[2]
    letters = next(j for j in JOBS if j.name == "letter_deadlines")
    assert letters.description_for("qinzhou").endswith("（《钦州市人民政府门户网站管理办法》第二十条）")


def _strings_outside_docs(path: Path):
    """The string literals of a module that are not docstrings or comments (what a user may read)."""
    tree = ast.parse(path.read_text())
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.lineno, node.value


def test_no_message_in_the_code_names_qinzhou_s_regulation():
    """Articles come from the profiles: no Python string outside the profiles, demo data and migrations
    names 钦州's 办法 (“钦州办法…”)."""
    found = []
    for path in (ROOT / "govportal").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/profiles/" in rel or "/migrations/" in rel or "demo" in path.name:
            continue
        for line, text in _strings_outside_docs(path):
            if "钦州办法" in text or "钦州市人民政府门户网站管理办法" in text:
                found.append(f"{rel}:{line}")
    assert not found, found
