"""Plain-Python core of ediflex_chorus: Chorus Pro client, works payloads, checks.

The Chorus Pro emulator of the tests is not part of it: it is chorus_emulator/, beside the addon.

Nothing in this package imports Odoo, so it is tested by plain pytest on any machine.
Modules import each other relatively, so the package works both as
``odoo.addons.ediflex_chorus.chorus`` and, in plain tests, as the top-level ``chorus``.
"""
