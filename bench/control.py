"""The control page of `make bench`: a bare Flask app answering one indexed query rendered
as a 50-row table, on the same database. What the platform's pages are measured against.

Serve: `gunicorn -w 2 bench.control:app` with DATABASE_URL set."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template_string, request

import config

engine = sa.create_engine(
    config.normalise_database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True
)
app = Flask(__name__)

# Active entries of one state, by name: the (member_state_id, status) index.
QUERY = sa.text(
    "SELECT id, name, title, email, phones, last_verified_on FROM directory_contacts"
    " WHERE member_state_id = :state AND status = 'active' ORDER BY id LIMIT 50"
)
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Control</title></head>
<body><h1>Control</h1><table><thead><tr><th>Name</th><th>Title</th><th>Email</th>
<th>Phones</th><th>Last verified</th></tr></thead><tbody>
{% for r in rows %}<tr><td><a href="/c/{{ r.id }}">{{ r.name }}</a></td><td>{{ r.title }}</td>
<td>{{ r.email }}</td><td>{{ r.phones }}</td><td>{{ r.last_verified_on }}</td></tr>
{% endfor %}</tbody></table></body></html>"""


@app.get("/")
def control() -> str:
    state = request.args.get("state", 1, type=int)
    with engine.connect() as connection:
        rows = connection.execute(QUERY, {"state": state}).all()
    return render_template_string(PAGE, rows=rows)
