"""The bench card of each vignette's hearing (V1-V12) prints on exactly one A4 page.

Each vignette's case file is loaded on the resume page for the hearing it is about (its
scenario's `hearing`), with a typical decision record; the bench card's PDF is fetched as the
judge would and its pages counted by `pdfinfo` (poppler-utils).
"""

from __future__ import annotations

from .test_record_vignettes import pdf_pages, real_app, resumed, vignettes

__all__ = ["real_app"]


def test_the_bench_card_of_every_vignette_is_one_a4_page(real_app):
    pages = {}
    for scenario in vignettes(real_app):
        user = resumed(real_app, scenario, scenario.hearing)
        response = user.client.get("/bench-card/pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        info_size = pdf_pages(response.data)
        pages[f"{scenario.vignette} {scenario.hearing} {scenario.name[:40]}"] = info_size
    assert {int(name[1:].split()[0]) for name in pages} == set(range(1, 13)), sorted(pages)
    print("\n".join(f"{count} page(s)  {name}" for name, count in pages.items()))
    assert all(count == 1 for count in pages.values()), pages


def test_with_four_disputed_facts_the_bench_card_is_still_one_page(real_app):
    """V8 with its age, the return, the lawyer and trafficking disputed (one beyond the bound of three)."""
    kb = real_app.extensions["pathway_kb"]
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == "V8")
    disputes = {"age_at_conduct": 18, "returnee": False, "legal_assistance": False, "trafficking_indicators": True}
    user = resumed(real_app, scenario, scenario.hearing, disputes)
    page = user.client.get("/bench-card").get_data(as_text=True)
    assert "The court must establish:" in page and "varied alone" in page
    response = user.client.get("/bench-card/pdf")
    assert response.status_code == 200 and pdf_pages(response.data) == 1
