"""``synrl browse``: a static HTML site to watch a dataset's samples with their labels."""

from synrl.browse.server import RangeRequestHandler, make_server, serve_in_thread
from synrl.browse.site import BrowseError, SiteResult, build_site

__all__ = ["BrowseError", "RangeRequestHandler", "SiteResult", "build_site", "make_server", "serve_in_thread"]
