"""The project owner's person accepts situations on the portal over HTTP (`make soak` only): login, the situation's
page, the acceptance form posted to /my/situations/<id>/accept, served by the HTTP thread of a threaded server or by
the HTTP worker processes of two prefork servers; Chorus Pro answers some calls with errors. Each A6 reaches the
emulator once: 0 lost, 0 duplicated, 0 false rejections."""

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request

import ledger
import pytest
from conftest import MODES

PORTAL_USER = ("soak_mairie", "soak_mairie")  # made by setup_company.py
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """One person's HTTP session on an Odoo server (cookies kept), as a browser would post the portal's forms."""

    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        with self.opener.open(self.url + path, timeout=120) as answer:
            return answer.geturl(), answer.read().decode("utf-8", errors="replace")

    def post(self, path, form_page, **data):
        """Post a form of ``form_page`` (its CSRF token) and follow the redirect: (final URL, body)."""
        data["csrf_token"] = CSRF.search(self.get(form_page)[1]).group(1)
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.url + path, body, timeout=120) as answer:
            return answer.geturl(), answer.read().decode("utf-8", errors="replace")

    def login(self, login, password):
        url, _ = self.post("/web/login", "/web/login", login=login, password=password, redirect="/my")
        assert "/web/login" not in url, f"{login} could not log in on {self.url}"


@pytest.mark.parametrize("mode", MODES)
def test_the_project_owner_accepts_on_the_portal_over_http(odoo, emulator, fresh_db, size, figures, mode):
    db = fresh_db(f"portal_{mode}")
    if mode == "prefork":
        servers = [odoo.server(db, f"portal-prefork-{index}", cron_threads=1, workers=2) for index in range(2)]
    else:
        servers = [odoo.server(db, "portal-threaded")]
    try:
        found = _accept_on_the_portal(servers, emulator, size["portal"], mode)
    finally:  # never left sending to the suite's emulator while the next case runs
        for server in servers:
            server.stop()
    figures[f"portal_{mode}"] = found["figures"]
    counts = found["counts"]
    assert found["figures"]["accepted_over_http"] == len(found["situations"]), found["answers"]
    assert {state["state"] for state in found["states"]} == {"accepted"}, found["states"]
    told = ledger.told(counts)
    assert counts["lost"] == 0 and counts["duplicated"] == 0 and counts["false_rejections"] == 0, told
    assert counts["state_mismatches"] == 0 and counts["on_chorus_pro"] == 2 * len(found["situations"]), told


def _accept_on_the_portal(servers, emulator, count, mode):
    """count situations presented (internal user), then accepted by the portal user over HTTP, spread on the servers."""
    rpc = servers[0].rpc
    situations = ledger.create_situations(rpc, emulator.seed, f"PORTAL{mode.upper()}", count)
    for situation in situations:
        rpc.call("ediflex.situation", "action_present", [situation])
    browsers = [Browser(server.url) for server in servers]
    for browser in browsers:
        browser.login(*PORTAL_USER)
    # Chorus Pro misbehaves while the acceptances go out: retried, looked up, never twice.
    emulator.inject("*", "server_error", count=3, http_status=503)
    emulator.inject("works_submit", "lost_answer", count=2)
    started, answers = time.monotonic(), []
    for index, situation in enumerate(situations):
        browser = browsers[index % len(browsers)]
        url, _ = browser.post(f"/my/situations/{situation}/accept", f"/my/situations/{situation}")
        answers.append(url)
    accepted = sum("message=accepted" in url for url in answers)
    ledger.wait_settled(rpc, situations)
    emulator.clear_faults()
    rounds = ledger.drain(rpc, situations)
    seconds = time.monotonic() - started
    counts = ledger.audit(rpc, emulator, situations)
    states = rpc.call("ediflex.situation", "search_read", [("id", "in", situations)], fields=["state"])
    figures = {
        "situations": len(situations), "servers": len(servers), "accepted_over_http": accepted,
        "deposits": counts["deposits"], "on_chorus_pro": counts["on_chorus_pro"], "lost": counts["lost"],
        "duplicated": counts["duplicated"], "false_rejections": counts["false_rejections"],
        "state_mismatches": counts["state_mismatches"], "drain_rounds": rounds, "seconds": round(seconds, 1),
    }
    return {"figures": figures, "counts": counts, "situations": situations, "answers": answers, "states": states}
