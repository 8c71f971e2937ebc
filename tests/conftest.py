"""Plain tests import the core as the top-level package ``chorus`` (no Odoo needed), and the emulator (both on the
path by pyproject.toml's pytest settings).

Fixtures shared by the core's tests: ``emu``, ``creds``, ``client``, ``fresh_token_cache``.
"""

import pytest
from chorus_emulator.tests import conftest as emulator_fixtures
from helpers import credentials_of, make_client

from chorus import client as client_module

emu = emulator_fixtures.emu  # the emulator's fixture (one definition, in its tests)


@pytest.fixture
def fresh_token_cache():
    """An empty token cache before and after the test (modules that use it say so in their pytestmark)."""
    client_module.clear_token_cache()
    yield
    client_module.clear_token_cache()


@pytest.fixture
def creds(emu):
    """The credentials the emulator accepts."""
    return credentials_of(emu)


@pytest.fixture
def client(emu, creds):
    """A client of the emulator, closed after the test."""
    with make_client(emu, creds) as chorus:
        yield chorus
