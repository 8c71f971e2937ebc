"""The handlers of each API family of Chorus Pro, one module per family, side by side.

A handler takes (api, body) and returns a Reply; none knows its path: ``routes.ROUTES`` registers them all in one
table. Business checks shared by several handlers (deposits, files, flows, searches) are helper modules of the
package, imported by the handlers, never the other way round.
"""
