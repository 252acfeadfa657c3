"""A curator's lexicon entry is read by the same parser as the data files: "=" marks a form."""

from tracker.extraction.extract import resources_from_db
from tracker.extraction.models import LexiconEntry
from tracker.nlp.normalize.document import Document


def test_a_database_entry_marked_exact_matches_its_form_only(db):
    LexiconEntry.objects.create(language="de", category="support", text="=bereithalten")
    LexiconEntry.objects.create(language="de", category="support", text="==Zusagen")
    resources = resources_from_db()
    pack = resources.packs["de"]
    doc = Document.build(
        "Sie bereithalten Hilfe, bereithaltend; Zusagen, ZUSAGEN.", "de", pack, resources
    )
    assert sorted(
        doc.span_text(h.start, h.end) for h in doc.cues if h.payload[2].startswith("=")
    ) == ["Zusagen", "bereithalten"]


def test_the_admin_form_explains_the_marks(admin_client):
    html = admin_client.get("/admin/extraction/lexiconentry/add/").content.decode()
    assert "=word" in html and "==us" in html
