"""The handbook checked by veraPDF, the PDF Association's reference validator (fetched from Maven Central).

The shipped course's default handbooks (student and trainer) are validated as PDF/UA-1 and its
`--pdf-variant pdf/ua-2` ones as PDF/UA-2, and every `--pdf-variant` of a course using every block type
against its own profile(s); a failed rule fails the test with its rule id, clause and count.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from deckbook import verapdf
from deckbook.errors import Location
from deckbook.load import load_course
from deckbook.options import DEFAULT_PDF_VARIANT, PDF_VARIANTS, Options
from deckbook.theme import load_theme
from deckbook.render import handbook
from test_handbook import sample_course, theme  # noqa: F401

VARIANTS = PDF_VARIANTS
SHIPPED = Path(__file__).parent.parent / "content" / "rust-backend"


@pytest.fixture(scope="session")
def validator():
    """Return veraPDF's `validate`, fetching veraPDF first (once per machine)."""
    try:
        verapdf.ensure()
    except verapdf.VeraPdfUnavailable as exc:
        pytest.fail(f"veraPDF is needed to check the handbook's PDF claims: {exc}")
    return verapdf.validate


def failures(reports) -> str:
    return "\n".join(str(r) for r in reports if not r.compliant)


@pytest.fixture(scope="module")
def variant_reports(tmp_path_factory, theme, validator):
    """Return veraPDF's reports on the sample course in every variant, by variant (one Java run per profile)."""
    root = tmp_path_factory.mktemp("verapdf")
    sample = sample_course(root / "course")
    by_profile: dict[str, list[Path]] = defaultdict(list)
    files = {}
    for variant in VARIANTS:
        out = root / f"{variant.replace('/', '_').replace('+', '_')}.pdf"
        files[variant] = handbook.render(sample, theme, out, Options(pdf_variant=variant, strict=True))
        for profile in verapdf.PROFILES[variant]:
            by_profile[profile].append(out)
    reports = {profile: validator(paths, profile) for profile, paths in by_profile.items()}
    return {variant: [reports[p][files[variant]] for p in verapdf.PROFILES[variant]] for variant in VARIANTS}


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_pdf_variant_passes_verapdf_with_its_own_profiles(variant_reports, variant):
    reports = variant_reports[variant]
    assert all(r.compliant for r in reports), failures(reports)


@pytest.mark.parametrize("variant", [None, "pdf/ua-2"])
def test_the_shipped_courses_handbooks_pass_pdf_ua(tmp_path, validator, variant):
    """The default (PDF/UA-1) and the PDF/UA-2 handbooks of the shipped course, both editions."""
    course = load_course(SHIPPED)
    theme = load_theme(course.meta.theme, Location(SHIPPED / "course.yaml"))
    books = [handbook.render(course, theme, tmp_path / f"{edition}.pdf", Options(edition=edition, pdf_variant=variant))
             for edition in ("student", "trainer")]
    reports = validator(books, verapdf.PROFILES[variant or DEFAULT_PDF_VARIANT][0]).values()
    assert all(r.compliant for r in reports), failures(reports)


def test_the_report_names_rule_clause_and_count(tmp_path, validator):
    """A PDF/UA check of an untagged PDF fails, and the report says which rules, where and how often."""
    from pypdf import PdfWriter

    plain = tmp_path / "plain.pdf"
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(plain)
    report = validator([plain], "ua1")[plain]
    assert not report.compliant
    rules = {(r.specification, r.clause, r.test): r.failed for r in report.rules}
    assert rules[("ISO 14289-1:2014", "7.1", "8")] >= 1  # no MarkInfo: not a tagged PDF
    assert "ISO 14289-1:2014 7.1-8: 1 failed check(s)" in str(report)
