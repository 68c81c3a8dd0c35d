"""The daily jobs (`manage.py run_daily`), each under a PostgreSQL advisory lock.

Every job is idempotent (run twice, it does nothing more the second time). Two application
servers whose timers fire at the same moment must still not run one job at once: each job takes
`pg_try_advisory_lock` with a key of its own first, and a job whose lock another session holds is
skipped. The lock is the database session's: released at the end of the job, or by PostgreSQL
when the process dies. SQLite (one machine, a demo) takes no lock.
"""

import zlib
from contextlib import contextmanager

from django.conf import settings
from django.db import connection


def lock_key(name):
    """The advisory lock key of job `name` (a 32-bit number, the same in every process)."""
    return zlib.crc32(f"reperes:job:{name}".encode())


@contextmanager
def advisory_lock(name):
    """Yields True when this process holds the lock of job `name`, False when another does."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def daily_jobs():
    """[(job name, command, arguments)] in the order they run: what fills the outbox first, the
    outbox last."""
    jobs = []
    api = getattr(settings, "REPERES_DATAINCLUSION_API_URL", "")
    if api:
        jobs.append(("import_datainclusion", "import_datainclusion", ["--api", api]))
    jobs += [
        # After the import, which may add places; the first run of a month keeps its measure.
        ("snapshot_coverage", "snapshot_coverage", []),
        ("send_reminders", "send_reminders", []),
        ("erase_reporter_data", "erase_reporter_data", []),
        ("remind_orientations", "remind_orientations", []),
        ("anonymise_orientations", "anonymise_orientations", []),
        ("purge_needs", "purge_needs", []),
        ("purge_mail_log", "purge_mail_log", ["30", "--result", "all"]),
        ("retry_deferred", "retry_deferred", []),
        ("send_mail", "send_mail", []),
    ]
    return jobs
