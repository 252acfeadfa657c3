"""Fill PostgreSQL with synthetic positions and time the dashboard pages.

    DATABASE_URL=postgres://…/tracker_bench manage.py bench_dashboard [--requests 60]

The synthetic data (1,000 actors, 200,000 articles, 1,000,000 positions) is
made by set-based SQL (INSERT … SELECT generate_series) and marked with a
Source named "bench" and extractor_version "bench", so later runs reuse it.
Each page is then requested through Django's test client; the command prints
p50/p95 server time and the most queries any request made.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tracker.dashboard import queries, rollup
from tracker.extraction import stances
from tracker.extraction.models import (
    Actor,
    ActorStance,
    ActorStanding,
    ActorTree,
    Position,
    Proposal,
)
from tracker.ingestion.models import Article, Source

ACTORS = 1_000
ARTICLES = 200_000
POSITIONS = 1_000_000

WORDS = {
    "en": "Kremlin NATO troops ceasefire guarantee Ukraine support oppose considering air defence Patriot "
    "aircraft sanctions negotiations Europe coalition peacekeepers deployment Washington Moscow",
    "fr": "Kremlin OTAN troupes cessez-le-feu garantie Ukraine soutien opposition défense aérienne avions "
    "sanctions négociations Europe coalition casques déploiement Paris Moscou soldats",
    "de": "Kreml NATO Truppen Waffenstillstand Garantie Ukraine Unterstützung Ablehnung Luftverteidigung "
    "Flugzeuge Sanktionen Verhandlungen Europa Koalition Friedenstruppen Einsatz Berlin Moskau",
    "ru": "Кремль НАТО войска перемирие гарантии Украина поддержка против ПВО самолеты санкции переговоры "
    "Европа коалиция миротворцы размещение Москва Вашингтон безопасность",
    "uk": "Кремль НАТО війська перемир'я гарантії Україна підтримка проти ППО літаки санкції переговори "
    "Європа коаліція миротворці розміщення Київ Вашингтон безпека",
    "ar": "الكرملين الناتو قوات وقف إطلاق النار ضمانات أوكرانيا دعم رفض الدفاع الجوي طائرات عقوبات "
    "مفاوضات أوروبا تحالف حفظ السلام نشر موسكو واشنطن",
}
LANGS = list(WORDS)


def _pctl(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def _columns(model, known: dict[str, str]) -> tuple[list[str], list[str]]:
    """The quoted columns of ``model`` and an SQL value for each: ``known``'s expression by field
    name, else NULL, else the type's empty value (so a new column does not break the fill)."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.generated:  # PostgreSQL computes generated columns
            continue
        columns.append(connection.ops.quote_name(field.column))
        internal = field.get_internal_type()
        if field.name in known:
            values.append(known[field.name])
        elif field.null:
            values.append("NULL")
        elif "Integer" in internal:
            values.append("0")
        elif internal == "BooleanField":
            values.append("false")
        elif internal == "JSONField":
            values.append("'[]'::jsonb" if field.default is list else "'{}'::jsonb")
        else:
            values.append("''")
    return columns, values


class Command(BaseCommand):
    help = "Fill the database with synthetic data (once) and time the dashboard pages."

    def add_arguments(self, parser):
        parser.add_argument(
            "--requests", type=int, default=60, help="Requests per page (at least 50)."
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="Drop the bench data and make it again."
        )
        parser.add_argument(
            "--explain", action="store_true", help="Print EXPLAIN ANALYZE of the main queries."
        )

    def handle(self, *args, requests: int, rebuild: bool, explain: bool, **options):
        requests = max(requests, 50)
        source, _ = Source.objects.get_or_create(
            name="bench", defaults={"kind": Source.Kind.MANUAL}
        )
        if rebuild:
            self._drop(source)
        self._fill(source)
        if explain:
            self._explain()
        self._time_pages(source, requests)

    # --- data ---------------------------------------------------------------------------

    def _drop(self, source):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM dashboard_stanceshift")
            cursor.execute("DELETE FROM dashboard_actorstance")
            cursor.execute("DELETE FROM extraction_actorstanding")
            cursor.execute("DELETE FROM extraction_position WHERE extractor_version = 'bench'")
            cursor.execute("DELETE FROM ingestion_article WHERE source_id = %s", [source.id])
            cursor.execute(
                "DELETE FROM extraction_actor WHERE name LIKE 'Bench actor %' AND NOT EXISTS "
                "(SELECT 1 FROM extraction_position p WHERE p.actor_id = extraction_actor.id)"
            )

    def _fill(self, source):
        articles = Article.objects.filter(source=source).count()
        positions = Position.objects.filter(extractor_version="bench").count()
        if articles == ARTICLES and positions == POSITIONS:
            self.stdout.write(
                f"Reusing bench data: {articles:,} articles, {positions:,} positions."
            )
            if not (ActorStance.objects.exists() and ActorStanding.objects.exists()):
                self.stdout.write("Rebuilding the stance tables…")
                stances.rebuild_all()
            self._vacuum()
            return
        if articles or positions:
            self.stdout.write("Bench data is incomplete; making it again.")
            self._drop(source)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            self._actors(cursor)
            self._articles(cursor, source)
            self._positions(cursor, source)
        self.stdout.write(
            f"Inserted in {time.perf_counter() - started:.0f} s; rebuilding the stance tables…"
        )
        stances.rebuild_all()
        self._vacuum()
        self.stdout.write(f"Bench data ready after {time.perf_counter() - started:.0f} s.")

    TABLES = (
        "extraction_actor",
        "extraction_actoralias",
        "extraction_proposal",
        "ingestion_source",
        "ingestion_article",
        "extraction_position",
        "dashboard_actorstance",
        "dashboard_stanceshift",
        "extraction_actorrole",
        "extraction_actorstanding",
    )

    def _vacuum(self):
        """VACUUM ANALYZE what the pages read, as autovacuum would on a live server.

        Without it (a server with autovacuum off, or a run right after the fill)
        the planner has no statistics for tables filled by other commands (the
        actor aliases), GIN indexes keep new rows in their slow pending list, and
        index-only scans must visit the heap. Cheap when nothing changed.
        """
        with connection.cursor() as cursor:
            for table in self.TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")

    def _actors(self, cursor):
        missing = ACTORS - Actor.objects.count()
        if missing <= 0:
            return
        # Every tenth bench actor is a state; the nine after it are its children.
        cursor.execute(
            """
            INSERT INTO extraction_actor (name, kind, country, origin, created_at, updated_at, parent_id)
            SELECT 'Bench actor ' || lpad(g::text, 4, '0'),
                   CASE WHEN g %% 10 = 1 THEN 'state' WHEN g %% 10 < 5 THEN 'government_body' ELSE 'person' END,
                   '', 'curator', now(), now(), NULL
            FROM generate_series(1, %s) AS g
            """,
            [missing],
        )
        cursor.execute(
            """
            UPDATE extraction_actor child SET parent_id = parent.id
            FROM extraction_actor parent
            WHERE child.name LIKE 'Bench actor %' AND parent.name LIKE 'Bench actor %'
              AND substr(child.name, 13)::int % 10 <> 1
              AND substr(parent.name, 13)::int = substr(child.name, 13)::int - (substr(child.name, 13)::int - 1) % 10
            """
        )

    def _articles(self, cursor, source):
        known = {
            "source": "%(source)s",
            "url": "'https://bench.invalid/a/' || g",
            "title": "title_words",
            "text": "body_words",
            "language": "lang",
            "author": "''",
            "published": "day",
            "fetched_at": "day::timestamptz",
            "content_hash": "md5('bench' || g) || md5('hcneb' || g)",
            "state": "'extracted'",
            "state_changed_at": "now()",
            "attempts": "1",
            "last_error": "''",
            "extractor_version": "'bench'",
            "ingest_run": "NULL",
        }
        columns, values = _columns(Article, known)
        case = (
            "CASE lang "
            + " ".join(f"WHEN '{lang}' THEN string_to_array(%s, ' ')" for lang in LANGS)
            + " END"
        )
        sql = f"""
            INSERT INTO ingestion_article ({", ".join(columns)})
            SELECT {", ".join(values)} FROM (
              SELECT g, lang, day,
                     (SELECT string_agg(w[1 + ((g * 7 + k * 13 + k * k) % array_length(w, 1))], ' ')
                        FROM generate_series(1, 8) k) AS title_words,
                     (SELECT string_agg(w[1 + ((g * 31 + k * 17 + k * k * 3) % array_length(w, 1))], ' ')
                        FROM generate_series(1, 60) k) AS body_words
              FROM (
                SELECT g, lang, day, {case} AS w FROM (
                  SELECT g, (ARRAY{LANGS!r})[1 + g % {len(LANGS)}] AS lang,
                         date '2023-01-01' + (g % 1000) AS day
                  FROM generate_series(1, {ARTICLES}) AS g
                ) base
              ) worded
            ) gen
        """.replace("%(source)s", str(int(source.id)))  # noqa: S608 - our own constants
        cursor.execute(sql.replace("%", "%%").replace("%%s", "%s"), [WORDS[lang] for lang in LANGS])

    def _positions(self, cursor, source):
        proposals = list(Proposal.objects.order_by("id").values_list("id", flat=True))
        actor_ids = list(Actor.objects.order_by("id").values_list("id", flat=True))
        known = {
            "article": "art.id",
            "actor": "actor_id",
            "proposal": "proposal_id",
            "stance": "(ARRAY['support', 'oppose', 'considering'])[1 + abs(hashtext(actor_id || '/' "
            "|| proposal_id || '/' || ((art.published - date '2023-01-01') / 120))) %% 3]",
            "evidence": "'Bench evidence ' || g",
            "start": "0",
            "end": "15",
            "is_past": "g %% 10 = 0",
            "timeline_date": "art.published - CASE WHEN g %% 10 = 0 THEN 3 ELSE 0 END",
            "confidence": "0.5 + (g %% 50) / 100.0",
            "rules": """'["bench:rule"]'::jsonb""",
            "origin": "'extracted'",
            "review_status": "CASE WHEN g %% 50 = 0 THEN 'rejected' WHEN g %% 12 = 0 THEN 'confirmed' "
            "ELSE 'unreviewed' END",
            "extractor_version": "'bench'",
            "extraction_key": "'bench/' || g",
            "version": "1",
            "created_at": "now()",
            "updated_at": "now()",
        }
        columns, values = _columns(Position, known)
        cursor.execute(
            f"""
            INSERT INTO extraction_position ({", ".join(columns)})
            SELECT {", ".join(values)}
            FROM (
              SELECT g,
                     (%(actors)s::bigint[])[1 + floor(%(n)s * power((abs(hashtext(g::text)) %% 1000000) / 1000000.0, 2))::int]
                        AS actor_id,
                     (%(proposals)s::bigint[])[1 + g %% %(np)s] AS proposal_id,
                     g %% %(articles)s + 1 AS article_rank
              FROM generate_series(1, %(positions)s) AS g
            ) gen
            JOIN (
              SELECT id, published, row_number() OVER (ORDER BY id) AS rank
              FROM ingestion_article WHERE source_id = %(source)s
            ) art ON art.rank = gen.article_rank
            """,  # noqa: S608 - our own constants, values in params
            {
                "actors": actor_ids,
                "n": len(actor_ids),
                "proposals": proposals,
                "np": len(proposals),
                "articles": ARTICLES,
                "positions": POSITIONS,
                "source": source.id,
            },
        )

    # --- timing --------------------------------------------------------------------------

    def _pages(self, source, requests):
        actors = list(
            ActorStance.objects.values_list("actor_id", flat=True).order_by("-positions_count")[
                :requests
            ]
        )
        parents = list(
            Actor.objects.filter(children__isnull=False, stances__isnull=False)
            .values_list("id", flat=True)
            .distinct()[:10]
        )
        kinds = [k for k, _ in Proposal._meta.get_field("kind").choices]
        languages = LANGS
        filtered = []
        for i in range(requests):
            options = [
                f"proposal={kinds[i % len(kinds)]}&stance={['support', 'oppose', 'considering'][i % 3]}",
                f"actor={parents[i % len(parents)]}"
                if parents
                else f"actor={actors[i % len(actors)]}",
                f"language={languages[i % len(languages)]}&proposal={kinds[(i + 2) % len(kinds)]}",
                f"date_from=2024-0{1 + i % 9}-01&date_to=2024-0{1 + i % 9}-20&review=confirmed",
                f"source={source.id}&stance=oppose",
                f"actor={actors[i % len(actors)]}&proposal={kinds[i % len(kinds)]}",
            ]
            filtered.append("/?" + options[i % len(options)])
        terms = [
            "Kremlin ceasefire",
            "garantie",
            "Waffenstillstand",
            "перемирие",
            "гарантії",
            "الناتو",
            '"air defence"',
            "troops -sanctions",
            "Luftverteidigung",
            "миротворцы",
        ]
        kinds_actor = ["", "state", "government_body", "person"]
        return {
            "timeline": [f"/?{'limit=50' if i % 2 else ''}" for i in range(requests)],
            "timeline_filtered": filtered,
            "matrix": [
                "/matrix/?"
                + "&".join(
                    p
                    for p in (
                        f"actor_kind={kinds_actor[i % 4]}" if kinds_actor[i % 4] else "",
                        f"as_of=2024-{1 + i % 12:02d}-15" if i % 2 else "",
                        f"page={1 + i % 3}" if i % 5 == 0 else "",
                    )
                    if p
                )
                for i in range(requests)
            ],
            "actor": [f"/actors/{actors[i % len(actors)]}/" for i in range(requests)],
            "search": [f"/search/?q={terms[i % len(terms)]}" for i in range(requests)],
        }

    def _time_pages(self, source, requests):
        user, _ = get_user_model().objects.get_or_create(username="bench-analyst")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="extraction", codename="view_position")
        )
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(user)
        results = {}
        max_queries = 0
        for name, urls in self._pages(source, requests).items():
            for url in urls[:3]:  # warm caches and connections
                client.get(url)
            timings, queries = [], 0
            for url in urls:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            for url in urls[:10]:
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                queries = max(queries, len(captured))
            max_queries = max(max_queries, queries)
            results[name] = _pctl(timings, 95)
            self.stdout.write(
                f"{name:18} n={len(timings)} p50={statistics.median(timings):7.1f} ms "
                f"p95={results[name]:7.1f} ms queries={queries}"
            )
        self.stdout.write(
            " ".join(f"{name}_p95_ms={round(value)}" for name, value in results.items())
            + f" max_queries={max_queries}"
        )

    def _explain(self):
        """EXPLAIN ANALYZE the queries the benchmarked pages run (the same code paths as the views)."""

        def show(name, sql, params=(), seqscan=True):
            with transaction.atomic(), connection.cursor() as cursor:
                if not seqscan:  # as queries.search_actors does
                    cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
                self.stdout.write(
                    f"--- EXPLAIN {name}\n" + "\n".join(r[0] for r in cursor.fetchall())
                )

        def show_qs(name, qs):
            show(name, *qs.query.sql_with_params())

        tree = ActorTree.load()
        parent = (
            Actor.objects.filter(children__isnull=False, stances__isnull=False)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        top = (
            ActorStance.objects.order_by("-positions_count")
            .values_list("actor_id", flat=True)
            .first()
        )
        show_qs("timeline", queries.timeline_qs({}, tree, 51))
        show_qs(
            "timeline filtered: proposal + stance",
            queries.timeline_qs({"proposal": "air_support", "stance": "oppose"}, tree, 51),
        )
        if parent:
            show_qs(
                f"timeline filtered: actor {parent} with its children "
                f"({len(tree.with_descendants(parent))} actors)",
                queries.timeline_qs({"actor": parent}, tree, 51),
            )
            show_qs(
                f"timeline filtered: actor {parent} with its children + proposal",
                queries.timeline_qs({"actor": parent, "proposal": "air_support"}, tree, 51),
            )
        show_qs(
            "timeline filtered: dates + confirmed",
            queries.timeline_qs(
                {"date_from": "2024-03-01", "date_to": "2024-03-20", "review": "confirmed"},
                tree,
                51,
            ),
        )
        actors = list(
            Actor.objects.filter(stances__isnull=False)
            .order_by("name")
            .distinct()
            .values_list("id", flat=True)[:60]
        )
        show(
            "matrix now, own statements only",
            *ActorStance.objects.filter(actor_id__in=actors)
            .values_list("actor_id", "proposal_id", "position_id", "stance", "timeline_date")
            .query.sql_with_params(),
        )
        show("matrix now, officials counted", rollup.STANDINGS_NOW_SQL, {"actors": actors})
        show("matrix as of", queries.MATRIX_AS_OF_SQL, [actors, "2024-06-15"])
        show(
            "matrix as of, officials counted",
            rollup.STANDINGS_SQL,
            {"actors": actors, "as_of": "2024-06-15"},
        )
        show("actor cells", rollup.CELLS_NOW_SQL, {"actors": [top], "proposals": None})
        show("actor history", queries.ACTOR_HISTORY_SQL, {"actor": top, "n": 40})
        for q in ["перемирие", '"air defence"']:
            show(f"search {q}", *queries.search_sql(q, None, 0, 31))
        show(
            "search actors",
            queries.ACTOR_SEARCH_SQL,
            {"q": "Kremlin ceasefire", "like": "%Kremlin ceasefire%", "limit": 12},
            seqscan=False,
        )
