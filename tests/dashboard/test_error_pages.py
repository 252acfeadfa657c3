"""The 404 and 500 pages look like the rest of the product and lead back into it."""

from django.template.loader import render_to_string


def test_a_missing_page_is_styled_and_has_the_navigation(analyst_client, world):
    response = analyst_client.get("/actors/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "tracker.css" in html and 'aria-label="Main"' in html
    assert "There is nothing at this address" in html and 'href="/proposals/"' in html


def test_the_server_error_page_needs_no_request_to_render():
    html = render_to_string("500.html")
    assert "tracker.css" in html and 'aria-label="Main"' in html and 'href="/matrix/"' in html
