from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reference", __name__, template_folder="templates", url_prefix="/admin/reference")
