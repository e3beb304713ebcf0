"""Load test: the production stack (gunicorn, PostgreSQL, Redis) under a mix of pages.

    make load                                    # 100,000 groups, 50 connections, 2 minutes
    make load LOAD_ARGS="--groups 1000 --duration 10 --ceiling-duration 5"   # a quick check

It fills a PostgreSQL database made for it (default `dbtsh_load`, created if missing; nothing
else is touched) with synthetic published groups spread like the population, starts `make serve`
(gunicorn, WhiteNoise, debug off) on a loopback port, and drives it with wrk (Debian's package), whose
client costs little CPU, so the two cores go to the site:

1. Mix: 50 connections shared among home page, searches for random towns, group pages,
   lessons, the Meeting Guide feed and /healthz, for --duration seconds. Each kind of page
   has its own wrk process and connections, so each gets its own figures in the same run.
2. Ceilings: search alone, a group page alone and /healthz alone, each with all 50
   connections for --ceiling-duration seconds: the most each can serve on this machine.

It prints requests a second, p50, p95, p99 and errors per page, the search / group page
throughput ratio (goal: at least 0.40), and writes the figures as JSON. Every request goes
to 127.0.0.1 only; every phase ends by itself. Exit status 1 if any request failed.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
LUA = ROOT / "bench" / "paths.lua"

# Connections of the 50 per kind of page in the mix: most people search and open groups.
MIX = {"search": 16, "group page": 14, "home": 6, "lessons": 6, "feed": 2, "healthz": 6}
CEILINGS = ("search", "group page", "healthz")
SEARCH_GOAL = 0.40


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/dbtsh_load")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--groups", type=int, default=100_000, help="synthetic published groups to hold")
    parser.add_argument("--connections", type=int, default=50, help="concurrent users")
    parser.add_argument("--duration", type=int, default=120, help="seconds of the mixed phase")
    parser.add_argument("--ceiling-duration", type=int, default=20, help="seconds of each ceiling phase")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "load.json"))
    return parser.parse_args()


def server_env(args):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        CACHE_URL=args.cache_url,
        REQUEST_LOG_LEVEL="WARNING",  # the per-request log line is not what is measured
        EMAIL_URL="locmem://",
    )
    return env


def create_database(url):
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")


def prepare(args, workdir):
    """Migrate, load the gazetteer, top the synthetic groups up to --groups, write path lists."""
    env = {**server_env(args), "DJANGO_DEBUG": "1"}
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "dbtselfhelp.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from groups.demo import generate_groups, sample_places
    from groups.models import PeerGroup, Place
    from lessons.models import Lesson, SkillModule

    if not Place.objects.filter(country_code__in=["US", "GB"]).exists():
        call_command("load_places")
    existing = PeerGroup.objects.published().count()
    if existing < args.groups:
        started = time.perf_counter()
        generate_groups(count=args.groups - existing, seed=existing + 1)
        print(f"Added {args.groups - existing:,} groups in {time.perf_counter() - started:.0f} s.")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"Database holds {PeerGroup.objects.published().count():,} published groups.")
    call_command("build_feed")  # as cron does in production, so no request has to build it
    rng = random.Random(11)
    slugs = list(PeerGroup.objects.published().values_list("slug", flat=True))
    lessons = [lesson.get_absolute_url() for lesson in Lesson.objects.published()]
    modules = [module.get_absolute_url() for module in SkillModule.objects.all()]
    lists = {
        "search": [f"/groups/?near={urllib.request.quote(label)}" for label in sample_places(rng, 500)],
        "group page": [f"/groups/{slug}/" for slug in rng.sample(slugs, min(2000, len(slugs)))],
        "home": ["/"],
        "lessons": ["/lessons/", "/skills/", *modules, *lessons],
        "feed": ["/groups/feed.json"],
        "healthz": ["/healthz"],
    }
    files = {}
    for page, paths in lists.items():
        files[page] = Path(workdir) / f"{page.replace(' ', '_')}.txt"
        files[page].write_text("\n".join(paths) + "\n")
    connection.close()
    return files


def start_server(args):
    """`make serve`, on its own port: collectstatic, migrate, then gunicorn as production runs it."""
    command = ["make", "--no-print-directory", "serve", f"PORT={args.port}", f"WORKERS={args.workers}"]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(args), start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("make serve did not answer /healthz within 120 s")


def stop_server(server):
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def run_wrk(args, plan, seconds):
    """Run one wrk per page kind at once: plan is {page: connections}. Returns {page: figures}."""
    url = f"http://127.0.0.1:{args.port}"

    def wrk(page, connections):
        command = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            url,
            "--",
            str(args.files[page]),
        ]
        return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)

    processes = {page: wrk(page, connections) for page, connections in plan.items()}
    results = {}
    for page, process in processes.items():
        out, _ = process.communicate(timeout=seconds + 60)
        line = [row for row in out.splitlines() if row.startswith("{")][-1]
        figures = json.loads(line)
        seconds_run = figures["duration_us"] / 1e6
        errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
        results[page] = {
            "connections": plan[page],
            "requests": figures["requests"],
            "rps": figures["requests"] / seconds_run,
            "p50_ms": figures["p50_us"] / 1000,
            "p95_ms": figures["p95_us"] / 1000,
            "p99_ms": figures["p99_us"] / 1000,
            "errors": errors,
            "error_detail": {k: figures[k] for k in ("connect", "read", "write", "status", "timeout") if figures[k]},
        }
    return results


def table(title, results):
    lines = [
        f"**{title}**",
        "",
        "| page | connections | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, r in results.items():
        lines.append(
            f"| {page} | {r['connections']} | {r['requests']:,} | {r['rps']:.1f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
        )
    return "\n".join(lines)


def scale(mix, connections):
    """The mix's connections scaled to --connections, each kind at least one."""
    total = sum(mix.values())
    return {page: max(1, round(share * connections / total)) for page, share in mix.items()}


def main():
    args = parse_args()
    subprocess.run(["wrk", "--version"], capture_output=True)  # fails early when wrk is missing
    create_database(args.database_url)
    with tempfile.TemporaryDirectory(prefix="dbtsh-load-") as workdir:
        args.files = prepare(args, workdir)
        server = start_server(args)
        try:
            print(f"Warming up ({args.workers} gunicorn workers on 127.0.0.1:{args.port})…")
            run_wrk(args, scale(MIX, min(args.connections, 12)), 5)
            mix_plan = scale(MIX, args.connections)
            print(f"Mix: {sum(mix_plan.values())} connections for {args.duration} s…")
            mix = run_wrk(args, mix_plan, args.duration)
            ceilings = {}
            for page in CEILINGS:
                print(f"Ceiling: {page} alone, {args.connections} connections for {args.ceiling_duration} s…")
                ceilings.update(run_wrk(args, {page: args.connections}, args.ceiling_duration))
        finally:
            stop_server(server)
    ratio = ceilings["search"]["rps"] / ceilings["group page"]["rps"]
    mix_total = sum(r["rps"] for r in mix.values())
    print()
    print(f"Load test: {args.groups:,} groups, gunicorn with {args.workers} sync workers, PostgreSQL, Redis cache")
    print()
    print(table(f"Mix, {sum(mix_plan.values())} connections, {args.duration} s ({mix_total:.0f} req/s in all)", mix))
    print()
    print(table(f"Ceilings, each page alone with {args.connections} connections, {args.ceiling_duration} s", ceilings))
    print()
    print(f"Search throughput / group page throughput: {ratio:.2f} (goal: at least {SEARCH_GOAL:.2f})")
    print(
        f"Search / /healthz: {ceilings['search']['rps'] / ceilings['healthz']['rps']:.2f}; "
        f"group page / /healthz: {ceilings['group page']['rps'] / ceilings['healthz']['rps']:.2f}"
    )
    errors = sum(r["errors"] for r in [*mix.values(), *ceilings.values()])
    print(f"Errors: {errors}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"groups": args.groups, "workers": args.workers, "mix": mix, "ceilings": ceilings, "ratio": ratio}
    out.write_text(json.dumps(report, indent=2))
    print(f"Figures written to {out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
