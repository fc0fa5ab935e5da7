from __future__ import annotations

from flask import Blueprint

bp = Blueprint("directory", __name__, template_folder="templates", url_prefix="/directory")
