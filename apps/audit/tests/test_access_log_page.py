"""The access-log page: keyset pages, filters on indexes, bad input, export, who may."""

import csv
import html
import io
import re
from datetime import datetime, timedelta
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit import selectors
from apps.audit.models import AccessLogEntry
from apps.audit.pagination import Position

pytestmark = pytest.mark.django_db

LOG_URL = "/werk/toegangslog/"
EXPORT_URL = "/werk/toegangslog/export/"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
INVALID_DATE = "Voer een geldige datum in."
OUT_OF_RANGE = "Kies een datum tussen 2000 en 2099."


def make_entries(count, **fields):
    defaults = {"action": AccessLogEntry.Action.READ, "object_type": "accounts.user"}
    return AccessLogEntry.objects.bulk_create(
        [AccessLogEntry(object_id=str(n), **(defaults | fields)) for n in range(count)]
    )


def make_at(moments, **fields):
    """One row per moment; its reason names its place in `moments`."""
    defaults = {"action": AccessLogEntry.Action.READ, "object_type": "accounts.user"}
    return AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(occurred_at=moment, reason=f"r{n}", **(defaults | fields))
            for n, moment in enumerate(moments)
        ]
    )


def log_order(entries):
    """Newest first, ties broken by id: the order of the page."""
    return [e.pk for e in sorted(entries, key=lambda e: (e.occurred_at, e.pk), reverse=True)]


def shown_ids(response) -> list[int]:
    page = response.context["page"]
    return [entry.pk for entry in page.entries] if page else []


def link(response, rel: str) -> str | None:
    """The href of the page's rel="next"/"prev" link, as a browser would follow it."""
    match = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    return urljoin(LOG_URL, html.unescape(match[1])) if match else None


@pytest.fixture
def admin(client):
    user = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    client.force_login(user)
    return user


class TestKeysetPages:
    def test_walking_older_and_back_newer_shows_every_row_once_with_equal_times(
        self, client, admin
    ):
        now = timezone.now() - timedelta(hours=1)
        # 137 rows in groups of seven that share the very same moment.
        rows = make_at([now - timedelta(minutes=n // 7) for n in range(137)])
        expected = log_order(rows)

        url, pages = f"{LOG_URL}?action=read", []
        while url:
            response = client.get(url)
            assert response.status_code == 200
            pages.append(shown_ids(response))
            url = link(response, "next")

        assert [pk for page in pages for pk in page] == expected
        assert [len(page) for page in pages][:2] == [50, 50]

        # And back up, page by page, to the same pages.
        back, url = [], link(response, "prev")
        while url:
            response = client.get(url)
            back.append(shown_ids(response))
            url = link(response, "prev")
        assert back == pages[-2::-1]

    def test_pages_stay_put_while_new_rows_arrive(self, client, admin):
        now = timezone.now() - timedelta(hours=1)
        old = make_at([now - timedelta(seconds=n) for n in range(120)])
        expected = log_order(old)

        first = client.get(LOG_URL, {"action": "read"})
        assert shown_ids(first) == expected[:50]
        make_entries(30, occurred_at=timezone.now())  # newer rows arrive at the top

        second = client.get(link(first, "next"))
        assert shown_ids(second) == expected[50:100]

        # Back to newer: the same rows as the first page, and a link to the new ones above.
        again = client.get(link(second, "prev"))
        assert shown_ids(again) == expected[:50]
        assert link(again, "prev") is not None

    def test_a_short_page_of_newer_rows_shows_the_newest_page_whole(self, client, admin):
        now = timezone.now() - timedelta(hours=1)
        rows = make_at([now - timedelta(seconds=n) for n in range(60)])
        expected = log_order(rows)
        token = Position.of(AccessLogEntry.objects.get(pk=expected[5])).token()

        response = client.get(LOG_URL, {"action": "read", "newer": token})

        assert shown_ids(response) == expected[:50]
        assert link(response, "prev") is None
        assert link(response, "next") is not None

    def test_after_the_oldest_row_the_page_says_so_and_links_back(self, client, admin):
        oldest = make_entries(3)[0]
        token = Position(oldest.occurred_at - timedelta(days=1), oldest.pk).token()

        response = client.get(LOG_URL, {"older": token})

        assert response.status_code == 200
        assert shown_ids(response) == []
        assert "Geen regels gevonden." in response.content.decode()
        assert link(response, "prev") is not None

    @pytest.mark.parametrize(
        "query",
        [
            {"older": "garbage"},
            {"older": "1764000000000000.5"},  # a position without its signature
            {"newer": "x" * 10_000},
            {"older": "\x00"},
        ],
        ids=["garbage", "unsigned", "ten-thousand", "nul"],
    )
    def test_a_broken_page_link_gets_a_message_and_no_rows(self, client, admin, query):
        make_entries(3)
        response = client.get(LOG_URL, query)
        assert response.status_code == 200
        assert response.context["page"] is None
        assert "Deze link naar een andere pagina van het toegangslog werkt niet" in (
            response.content.decode()
        )

    def test_a_changed_page_link_gets_a_message(self, client, admin):
        entry = make_entries(60)[10]
        token = Position.of(entry).token()
        value, signature = token.split(":")
        micros, pk = value.split(".")
        forged = f"{micros}.{int(pk) + 1}:{signature}"

        for query in ({"older": forged}, {"older": token, "newer": token}):
            response = client.get(LOG_URL, query)
            assert response.status_code == 200
            assert response.context["page"] is None
            assert response.context["invalid_position"]

    def test_a_page_link_keeps_the_search(self, client, admin):
        make_entries(60, actor_email="sanne@example.nl")
        make_entries(5, actor_email="henk@example.nl")
        response = client.get(LOG_URL, {"actor_email": "sanne"})
        older = link(response, "next")
        assert "actor_email=sanne" in older
        assert set(
            AccessLogEntry.objects.filter(pk__in=shown_ids(client.get(older))).values_list(
                "actor_email", flat=True
            )
        ) == {"sanne@example.nl"}


class TestFilters:
    def search(self, client, **query) -> set[int]:
        response = client.get(LOG_URL, query)
        assert response.status_code == 200
        assert not response.context["search"].errors, response.context["search"].errors
        return set(shown_ids(response))

    def test_e_mail_whole_address_or_its_beginning_case_insensitive(self, client, admin):
        sanne = make_entries(2, actor_email="sanne.jansen@example.nl")
        sanne_caps = make_entries(1, actor_email="Sanne.Jansen@Example.nl")
        longer = make_entries(1, actor_email="sanne.jansen@example.nl.evil.example")
        make_entries(2, actor_email="henk@example.nl")
        all_sanne = {e.pk for e in sanne + sanne_caps + longer}

        assert self.search(client, actor_email="Sanne.Jansen@example.NL") == {
            e.pk for e in sanne + sanne_caps
        }
        assert self.search(client, actor_email="SAN") == all_sanne
        assert self.search(client, actor_email="sanne.jansen@") == all_sanne
        # The beginning, not any part: "anne" is in the middle of every Sanne.
        assert self.search(client, actor_email="anne") == set()
        # Wildcards are letters like any other.
        assert self.search(client, actor_email="s_nne") == set()
        assert self.search(client, actor_email="%anne") == set()

    def test_user_id_role_and_action(self, client, admin):
        worker = make_entries(2, actor_user_id=41, actor_role=Role.SOCIAL_WORKER)
        leader = make_entries(1, actor_user_id=42, actor_role=Role.TEAM_LEADER, action="update")
        refused = make_entries(1, actor_user_id=41, action="denied")

        assert self.search(client, actor_user_id="41") == {e.pk for e in worker + refused}
        assert self.search(client, actor_role=Role.TEAM_LEADER) == {leader[0].pk}
        assert self.search(client, action="denied") == {refused[0].pk}
        assert self.search(client, action="update", actor_user_id="41") == set()

    def test_record_kind_and_number(self, client, admin):
        dossier = AccessLogEntry.objects.create(
            action="read", object_type="dossiers.dossier", object_id="7"
        )
        client_row = AccessLogEntry.objects.create(
            action="read", object_type="dossiers.client", object_id="7"
        )
        assert self.search(client, object_type="dossiers.dossier", object_id="7") == {dossier.pk}
        assert self.search(client, object_type="Dossiers.Client") == {client_row.pk}

    def test_description_contains_the_text_case_insensitive(self, client, admin):
        bakker = AccessLogEntry.objects.create(
            action="read", object_type="dossiers.dossier", object_repr="Anna Bakker (Lopend)"
        )
        hof = AccessLogEntry.objects.create(
            action="read", object_type="dossiers.client", object_repr="Joris van 't Hof"
        )
        AccessLogEntry.objects.create(action="read", object_type="x", object_repr="Bram de Vries")

        assert self.search(client, description="BAKK") == {bakker.pk}
        assert self.search(client, description="van 't hof") == {hof.pk}
        assert self.search(client, description="lopend") == {bakker.pk}

    def test_dates_are_whole_local_days_from_and_until(self, client, admin):
        def at(day, hour, minute=0, second=0, micro=0):
            local = datetime(2026, 3, day, hour, minute, second, micro, tzinfo=AMSTERDAM)
            return make_entries(1, occurred_at=local)[0].pk

        before = at(9, 23, 59, 59, 999_999)
        first = at(10, 0)  # 23:00 UTC on the 9th: the local date counts
        middle = at(11, 12)
        last = at(12, 23, 59, 59, 999_999)
        after = at(13, 0)

        found = self.search(client, occurred_from="2026-03-10", occurred_until="2026-03-12")
        assert found == {first, middle, last}
        assert self.search(client, occurred_from="2026-03-13") >= {after}
        assert before not in self.search(client, occurred_from="2026-03-10")
        assert self.search(client, occurred_until="2026-03-09") == {before}
        # One day: from and until the same date.
        assert self.search(client, occurred_from="2026-03-11", occurred_until="2026-03-11") == {
            middle
        }

    def test_filters_combine(self, client, admin):
        day = datetime(2026, 5, 4, 10, tzinfo=AMSTERDAM)
        hit = make_entries(
            1, actor_email="sanne@example.nl", occurred_at=day, object_repr="Anna Bakker"
        )[0]
        make_entries(1, actor_email="sanne@example.nl", occurred_at=day - timedelta(days=3))
        make_entries(1, actor_email="henk@example.nl", occurred_at=day, object_repr="Anna Bakker")

        found = self.search(
            client,
            actor_email="sanne",
            description="bakker",
            occurred_from="2026-05-04",
            occurred_until="2026-05-04",
        )
        assert found == {hit.pk}


class TestBadInput:
    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            ({"occurred_from": "2026-13-45"}, "occurred_from", INVALID_DATE),
            ({"occurred_until": "10000-01-01"}, "occurred_until", INVALID_DATE),
            (
                {"occurred_from": "1999-12-31"},
                "occurred_from",
                OUT_OF_RANGE,
            ),
            (
                {"occurred_until": "9999-12-31"},
                "occurred_until",
                OUT_OF_RANGE,
            ),
            (
                {"occurred_from": "2026-05-02", "occurred_until": "2026-05-01"},
                "occurred_until",
                'Deze datum ligt vóór de datum bij "Van".',
            ),
            ({"occurred_from": "x" * 10_000}, "occurred_from", INVALID_DATE),
            ({"actor_email": "a" * 10_000}, "actor_email", "niet meer dan 254 tekens"),
            ({"actor_email": "' OR 1=1 --"}, "actor_email", "Een e-mailadres heeft geen spaties"),
            ({"actor_email": "sanne\x00"}, "actor_email", "Null-tekens zijn niet toegestaan."),
            ({"actor_user_id": "abc"}, "actor_user_id", "Voer een geheel getal in."),
            ({"actor_user_id": "0"}, "actor_user_id", "minstens 1 is"),
            ({"actor_user_id": "9" * 30}, "actor_user_id", "hoogstens 9223372036854775807 is"),
            ({"actor_user_id": "9" * 10_000}, "actor_user_id", "Voer een geheel getal in."),
            ({"actor_role": "superuser"}, "actor_role", "Selecteer een geldige keuze."),
            ({"action": "hack"}, "action", "Selecteer een geldige keuze."),
            (
                {"object_type": "dossiers.dossier'; DROP TABLE audit_accesslogentry; --"},
                "object_type",
                "Schrijf de soort als app.model",
            ),
            ({"object_type": "x" * 10_000}, "object_type", "niet meer dan 100 tekens"),
            (
                {"object_type": "dossiers.dossier", "object_id": "1 OR 1=1"},
                "object_id",
                "Een nummer heeft alleen letters, cijfers en . : - _",
            ),
            ({"object_id": "7"}, "object_type", "Vul ook de soort gegevens in"),
            ({"description": "ab"}, "description", "ten minste 3 tekens"),
            ({"description": "y" * 10_000}, "description", "niet meer dan 200 tekens"),
            (
                {"description": "'; DROP TABLE audit_accesslogentry; --"},
                "description",
                "Gebruik alleen letters, cijfers, spaties en",
            ),
        ],
    )
    def test_each_wrong_field_gets_its_own_dutch_message(
        self, client, admin, query, field, message
    ):
        make_entries(3)
        before = AccessLogEntry.objects.exclude(action="search").count()

        response = client.get(LOG_URL, query)

        assert response.status_code == 200
        assert response.context["page"] is None
        errors = response.context["search"].errors
        assert list(errors) == [field]
        assert message in " ".join(errors[field])
        assert escape(errors[field][0]) in response.content.decode()
        assert "Sommige zoekvelden kloppen niet" in response.content.decode()
        assert AccessLogEntry.objects.exclude(action="search").count() == before

    def test_a_bad_search_cannot_be_exported(self, client, admin):
        make_entries(3)
        response = client.post(
            f"{EXPORT_URL}?occurred_from=2026-13-45", {"reason": "Controle van het logboek"}
        )
        assert response.status_code == 200
        assert "De zoekopdracht voor deze export klopt niet" in response.content.decode()
        assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


class TestWhoMay:
    def test_functional_admin_searches_and_the_search_is_logged(self, client, admin):
        make_entries(3, actor_email="sanne@example.nl")
        make_entries(2, actor_email="henk@example.nl")

        response = client.get(LOG_URL, {"actor_email": "sanne"})

        assert response.status_code == 200
        assert len(response.context["page"].entries) == 3
        search = AccessLogEntry.objects.get(action=AccessLogEntry.Action.SEARCH)
        assert search.actor_user_id == admin.pk
        assert "actor_email=sanne" in search.reason

    @pytest.mark.parametrize("role", [r for r in Role if r != Role.FUNCTIONAL_ADMIN])
    def test_other_roles_are_refused_and_get_no_search_or_export(self, client, role):
        make_entries(2)
        user = UserFactory(role=role)
        client.force_login(user)
        assert client.get(LOG_URL).status_code == 403
        assert client.get(LOG_URL, {"actor_email": "sanne"}).status_code == 403
        assert client.get(EXPORT_URL).status_code == 403
        assert client.post(EXPORT_URL, {"reason": "Ik wil het graag zien"}).status_code == 403
        assert not AccessLogEntry.objects.filter(action__in=["search", "export"]).exists()
        # Each refusal is on the log itself.
        refusals = AccessLogEntry.objects.filter(action="denied", actor_user_id=user.pk)
        assert sorted(refusals.values_list("path", flat=True)) == sorted(
            [LOG_URL, f"{LOG_URL}?actor_email=sanne", EXPORT_URL, EXPORT_URL]
        )

    def test_without_login_the_page_asks_to_log_in(self, client):
        for url in (LOG_URL, EXPORT_URL):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/account/login/")
        assert not AccessLogEntry.objects.filter(action__in=["search", "export"]).exists()

    def test_the_selectors_ask_the_policy_themselves(self):
        from django.core.exceptions import PermissionDenied

        worker = UserFactory(role=Role.SOCIAL_WORKER)
        with pytest.raises(PermissionDenied):
            selectors.access_log_page(actor=worker, filters={})
        with pytest.raises(PermissionDenied):
            selectors.access_log_export_rows(actor=worker, filters={})


class TestRows:
    def test_every_value_is_shown_escaped_with_its_column_name(self, client, admin):
        AccessLogEntry.objects.create(
            action=AccessLogEntry.Action.BREAK_GLASS,
            actor_email="sanne@example.nl",
            actor_role=Role.SOCIAL_WORKER,
            actor_user_id=41,
            object_type="dossiers.dossier",
            object_id="7",
            object_repr="<b>Joris van 't Hof</b>",
            reason='<script>alert("x")</script>',
            ip_address="192.0.2.10",
        )
        AccessLogEntry.objects.create(action="purge", object_type="audit.accesslogentry")

        page = client.get(LOG_URL, {"object_type": "dossiers.dossier"}).content.decode()

        assert escape("<b>Joris van 't Hof</b>") in page
        assert "<script>alert" not in page
        assert escape('Reden: <script>alert("x")</script>') in page
        assert "Dossier van ander team geopend" in page
        assert "Sociaal werker · #41" in page
        assert 'data-label="IP-adres">192.0.2.10</td>' in page
        assert 'data-label="Gegevens">dossiers.dossier #7' in page

        page = client.get(LOG_URL, {"action": "purge"}).content.decode()
        assert 'data-label="Gebruiker">systeem</td>' in page


class TestQueryCount:
    # 1 session, 2 user, 3 the user's second factors (MFA check), 4 the page of rows (one
    # more than a page, no count), 5 insert the search row
    @pytest.mark.parametrize("rows", [5, 200])
    def test_the_first_page_costs_the_same_for_any_number_of_rows(
        self, client, admin, django_assert_num_queries, rows
    ):
        make_entries(rows)
        client.get(LOG_URL)  # warm up: the first request of a session writes it
        with django_assert_num_queries(5):
            client.get(LOG_URL)

    @pytest.mark.parametrize("rows", [120, 400])
    def test_an_older_filtered_page_costs_the_same(
        self, client, admin, django_assert_num_queries, rows
    ):
        make_entries(rows, actor_email="sanne@example.nl", object_repr="Anna Bakker")
        older = link(client.get(LOG_URL, {"actor_email": "sanne", "description": "bakker"}), "next")
        with django_assert_num_queries(5):
            response = client.get(older)
        assert len(shown_ids(response)) == 50

    def test_a_wrong_search_reads_no_rows(self, client, admin, django_assert_num_queries):
        client.get(LOG_URL)
        # session, user, second factors, insert the search row
        with django_assert_num_queries(4):
            client.get(LOG_URL, {"occurred_from": "2026-13-45"})

    def test_htmx_requests_get_only_the_results(self, client, admin):
        response = client.get(LOG_URL, HTTP_HX_REQUEST="true")
        assert "<html" not in response.content.decode()


class TestExport:
    def test_export_needs_a_reason_and_changes_nothing_without_one(self, client, admin):
        make_entries(2)
        response = client.post(EXPORT_URL, {"reason": ""})
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()

    def test_the_export_page_names_the_search_instead_of_counting(self, client, admin):
        response = client.get(
            EXPORT_URL, {"actor_email": "henk", "action": "denied", "occurred_from": "2026-05-04"}
        )
        page = response.content.decode()
        assert "henk" in page
        assert "Geen toegang" in page
        assert "4 mei 2026" in page

    def test_an_htmx_search_updates_the_export_link_with_it(self, client, admin):
        response = client.get(LOG_URL, {"actor_email": "henk"}, HTTP_HX_REQUEST="true")
        assert f"{EXPORT_URL}?actor_email=henk" in response.content.decode()

    def test_export_streams_csv_and_logs_the_reason(self, client, admin):
        make_entries(3, actor_email="sanne@example.nl")
        make_entries(4, actor_email="henk@example.nl")

        response = client.post(
            f"{EXPORT_URL}?actor_email=henk", {"reason": "Inzageverzoek van een inwoner"}
        )

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert rows[0][:4] == ["occurred_at", "actor_email", "actor_role", "action"]
        assert len(rows) == 1 + 4
        assert {row[1] for row in rows[1:]} == {"henk@example.nl"}
        export = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EXPORT)
        assert export.actor_user_id == admin.pk
        assert export.reason.startswith("Inzageverzoek van een inwoner")
        assert "actor_email=henk" in export.reason

    def test_export_reads_in_keyset_chunks_every_row_once(
        self, client, admin, monkeypatch, django_assert_max_num_queries
    ):
        monkeypatch.setattr(selectors, "EXPORT_CHUNK_SIZE", 7)
        now = timezone.now() - timedelta(hours=1)
        # Groups of three share a moment, across chunk borders.
        rows = make_at([now - timedelta(seconds=n // 3) for n in range(40)])
        reasons = {row.pk: row.reason for row in rows}
        expected = [reasons[pk] for pk in log_order(rows)]

        response = client.post(f"{EXPORT_URL}?action=read", {"reason": "Controle van het logboek"})
        stream = iter(response.streaming_content)
        lines = [next(stream), next(stream), next(stream)]  # BOM, header, first row
        # Rows that arrive during the download do not shift the chunks.
        make_entries(10, occurred_at=timezone.now(), reason="new")
        # ceil(40 / 7) chunks, each a bounded query, plus the empty-check of none.
        with django_assert_max_num_queries(6) as captured:
            lines += list(stream)
        assert all("LIMIT 7" in query["sql"] for query in captured.captured_queries)

        text = b"".join(lines[1:]).decode()
        exported = [row[7] for row in csv.reader(io.StringIO(text))][1:]
        assert exported == expected

    def test_cells_that_look_like_formulas_are_neutralised(self, client, admin):
        make_entries(1, reason='=HYPERLINK("http://evil.example")')
        response = client.post(EXPORT_URL, {"reason": "Controle op de export"})
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "'=HYPERLINK" in body
