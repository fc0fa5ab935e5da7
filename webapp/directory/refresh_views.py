"""The refresh cycle's pages: the signed review link and the coverage page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("refresh", __name__, template_folder="templates", url_prefix="/directory")
