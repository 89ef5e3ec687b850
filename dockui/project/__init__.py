"""The folder being packaged into an image: what is in it, what is wrong, what to generate.

Pure code: no Textual, no network, no Docker engine. The only Docker knowledge it borrows is
``.dockerignore`` matching, from :mod:`dockui.engine.build_context`.

Import from the modules themselves (``dockui.project.scan``, ``.findings``, ...): this package
imports nothing, so the start-up, which needs only the scan, does not load the Dockerfile
parser too.
"""
