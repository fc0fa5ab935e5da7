"""Where one page's time goes: cProfile over N requests with the test client, signed in,
on DATABASE_URL (the database `flask demo scale` filled); no server, no load.

Run: `.venv/bin/python bench/profile_page.py /directory/ [--as admin] [-n 30] [--top 25]`.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--as", dest="role", default="admin", help="admin, focal1.mx...")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgresql://127.0.0.1:5432/puerto_bench")
    os.environ["PUERTO_ENV"] = "development"
    os.environ["QUERY_COUNT_HEADER"] = "1"

    import sqlalchemy as sa

    from webapp import create_app
    from webapp.accounts import sessions
    from webapp.accounts.models import User
    from webapp.core.timezones import utcnow
    from webapp.extensions import db

    app = create_app()
    with app.app_context():
        user = db.session.scalar(
            sa.select(User).where(User.email == f"{args.role}@scale.example.org")
        )
        # A server-side session, as signing in makes (accounts.sessions).
        key = sessions.start(user, user_agent="profile_page", address="127.0.0.1", now=utcnow())
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True
    for _ in range(3):
        response = client.get(args.path)
        assert response.status_code == 200, response.status_code
    print(
        f"{args.path}: {response.headers.get('X-Query-Count', '?')} queries,"
        f" {len(response.get_data()):,} bytes"
    )
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.n):
        client.get(args.path)
    profile.disable()
    elapsed = (time.perf_counter() - started) / args.n * 1000
    print(f"{args.path}: {elapsed:.1f} ms per request (profiled)")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    if os.environ.get("PROFILE_OUT"):
        profile.dump_stats(os.environ["PROFILE_OUT"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
