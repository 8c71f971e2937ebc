"""Helpers shared by the plain tests of the core (fixtures are in conftest.py)."""

from chorus_emulator.tests.raw_http import account_header  # noqa: F401 (one definition, the emulator's tests')

from chorus.checks import check_siret
from chorus.client import ChorusClient, Credentials

SEED_CONTRACTOR_SIRET = "00000000012887"  # the emulator's default seed


def credentials_of(emu, **changes):
    """The credentials the emulator accepts, as Credentials, with fields changed as asked."""
    return Credentials(**{**emu.credentials, **changes})


def make_client(emu, creds=None, **kwargs):
    """A client of the emulator, with its credentials unless others are given, and a 5 s timeout unless told."""
    kwargs.setdefault("timeout", 5.0)
    return ChorusClient(creds or credentials_of(emu), api_base=emu.url, token_url=emu.token_url, **kwargs)


def ping(chorus):
    """One cheap authenticated call (the seeded contractor's structure id)."""
    return chorus.find_structure_id(SEED_CONTRACTOR_SIRET)


def deposit(chorus, payload, document):
    """Upload the document then submit the works piece with it (2 HTTP calls); the SubmitResult."""
    from chorus import works

    file_id = chorus.upload_file(document.name, document.content, document.mime_type)
    return chorus.submit_works(works.with_attachment(payload, file_id))


def search_all(chorus, **period):
    """Every works piece of the works search, all pages."""
    return [piece for page in chorus.works_pages(**period) for piece in page]


def siret_problem(value, production, party=None):
    """What is wrong with a SIRET, as an English sentence (check_siret's one problem), or None if it is valid."""
    problems = check_siret(value, production, party)
    return problems[0].message if problems else None
