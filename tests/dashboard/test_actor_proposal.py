"""Actor and proposal pages: current stances, history, shifts with evidence, family, weekly chart."""


def test_actor_page_shows_current_stance_history_and_the_shift(analyst_client, world):
    kremlin = world["opposed"].actor
    html = analyst_client.get(f"/actors/{kremlin.id}/").content.decode()
    assert "<title>Kremlin · Tracker</title>" in html
    assert 'class="cell stance-considering"' in html
    assert html.count('<svg class="sparkline"') == 1
    shift = html.split('<article class="shift">')[1]
    assert "opposes" in shift and "→" in shift and "considering" in shift and "19 Aug 2025" in shift
    assert (
        "rejected any Western air support" in shift
        and "considering air support arrangements" in shift
    )


def test_actor_page_links_parent_and_children(analyst_client, world, catalogue):
    russia = analyst_client.get(f"/actors/{catalogue['Russia'].id}/").content.decode()
    assert f'href="/actors/{catalogue["Kremlin"].id}/"' in russia
    kremlin = analyst_client.get(f"/actors/{catalogue['Kremlin'].id}/").content.decode()
    assert f'href="/actors/{catalogue["Russia"].id}/">Russia</a>' in kremlin


def test_actor_page_names_who_speaks_for_it_now(analyst_client, world, catalogue):
    import datetime as dt

    from tracker.extraction.models import Actor, ActorRole

    nauru = Actor.objects.create(name="Nauru", kind="state")
    president = Actor.objects.create(name="A President of Nauru", kind="person")
    ActorRole.objects.create(actor=president, office="President of Nauru", speaks_for=nauru)
    former = Actor.objects.create(name="A former President", kind="person")
    ActorRole.objects.create(
        actor=former, office="President of Nauru", end=dt.date(2019, 1, 1), speaks_for=nauru
    )
    html = analyst_client.get(f"/actors/{nauru.id}/").content.decode()
    speaking = html.split('<p class="speakers">')[1].split("</p>")[0]
    assert f'<a href="/actors/{president.id}/">A President of Nauru</a>' in speaking
    assert "(President of Nauru)" in speaking and "former" not in speaking


def test_actor_page_without_positions_says_so(analyst_client, world, catalogue):
    from tracker.extraction.models import Actor

    nauru = Actor.objects.create(name="Nauru", kind="state")
    html = analyst_client.get(f"/actors/{nauru.id}/").content.decode()
    assert "No positions of Nauru have been extracted yet" in html
    # The United States said nothing itself, but its president did.
    html = analyst_client.get(f"/actors/{catalogue['United States'].id}/").content.decode()
    assert "No positions of United States" not in html and "via <a" in html
    assert analyst_client.get("/actors/999999/").status_code == 404


def test_actors_index_lists_actors_with_positions(analyst_client, world):
    from tracker.extraction.models import Actor

    Actor.objects.create(name="Nauru", kind="state")
    html = analyst_client.get("/actors/").content.decode()
    assert ">Kremlin</a>" in html and ">Nauru</a>" not in html
    # The United States said nothing itself; its president did, so it is listed.
    assert ">United States</a>" in html


def test_proposal_page_counts_each_actor_once_by_its_latest_position(analyst_client, world):
    html = analyst_client.get("/proposals/air_support/").content.decode()
    considering = html.split('id="col-considering"')[1].split("</section>")[0]
    oppose = html.split('id="col-oppose"')[1].split("</section>")[0]
    assert ">Kremlin</a>" in considering and ">Kremlin</a>" not in oppose
    assert '<rect x="' in html and "Week of 18 Aug 2025: 1 considering" in html
    assert "considering air support arrangements" in html.split("Key statements")[1]


def test_unknown_proposal_is_404(analyst_client, world):
    assert analyst_client.get("/proposals/teleportation/").status_code == 404


def test_the_proposals_page_lists_all_seven_and_is_in_the_navigation(analyst_client, world):
    html = analyst_client.get("/proposals/").content.decode()
    assert html.count('<li class="card">') == 7
    assert '<a href="/proposals/" aria-current="page">Proposals</a>' in html
    air = html.split('href="/proposals/air_support/"')[1].split("</li>")[0]
    assert "1 considering" in air and "0 opposes" in air


def test_the_weekly_chart_spans_the_weeks_that_have_data(analyst_client, world):
    # Positions on air support on 1 and 19 Aug 2025: three weeks of data, drawn over eight.
    html = analyst_client.get("/proposals/air_support/").content.decode()
    assert "stacked by stance, over 8 weeks</title>" in html
    assert html.count('class="bar ') >= 2
