"""Sphinx extension of the book: author-year labels in the bibliography, matching the author-year citations
in the text (sphinxcontrib-bibtex's ``bibtex_reference_style: author_year`` styles only the citations), and
the thebe configuration script added once per page (sphinx-thebe adds it again on every re-read, which the
browser reports as ``Identifier 'THEBE_JS_URL' has already been declared``)."""

from __future__ import annotations

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle


def _surname(person) -> str:
    return " ".join(person.prelast_names + person.last_names).replace("{", "").replace("}", "")


class AuthorYearLabels(BaseLabelStyle):
    """Labels like ``Goodfellow et al., 2014``, ``Arjovsky and Bottou, 2017``; repeated labels get a, b, ..."""

    def format_labels(self, sorted_entries):
        labels = []
        for entry in sorted_entries:
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            names = [_surname(p) for p in people]
            if not names:
                who = entry.fields.get("title", entry.key)[:20]
            elif len(names) == 1:
                who = names[0]
            elif len(names) == 2:
                who = f"{names[0]} and {names[1]}"
            else:
                who = f"{names[0]} et al."
            labels.append(f"{who}, {entry.fields.get('year', 'n.d.')}")
        for i, label in enumerate(labels):
            same = [j for j, other in enumerate(labels) if other == label]
            if len(same) > 1:
                labels[i] = label + "abcdefghijklmnopqrstuvwxyz"[same.index(i)]
        yield from labels


class AuthorYearStyle(PlainStyle):
    """pybtex's plain entry format, sorted by author and year, with author-year labels."""

    default_label_style = AuthorYearLabels
    default_sorting_style = SortingStyle


def _dedupe_thebe(app, pagename, templatename, context, doctree) -> None:
    scripts, seen = context.get("script_files"), set()
    if not scripts:
        return
    kept = []
    for js in scripts:
        body = getattr(js, "attributes", {}).get("body") if hasattr(js, "attributes") else None
        key = ("body", body) if body else ("src", str(js))
        if key in seen:
            continue
        seen.add(key)
        kept.append(js)
    scripts[:] = kept


def setup(app):
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
    app.connect("html-page-context", _dedupe_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
