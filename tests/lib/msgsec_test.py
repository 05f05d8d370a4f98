"""Helpers shared by the Python test and benchmark scripts."""
import os
import subprocess
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def clamav_db():
    """The tests' own ClamAV signature database: $MSGSEC_CLAMAV_DB (built
    by tests/run.sh), or one built here into a temporary folder."""
    db = os.environ.get("MSGSEC_CLAMAV_DB")
    if not db:
        db = os.path.join(tempfile.gettempdir(), "msgsec-clamav-db-%d" % os.getpid())
    if not os.path.isfile(os.path.join(db, "test.hdb")):
        subprocess.run(["sh", os.path.join(TOP, "tests", "data", "make-clamav-db.sh"), db],
                       check=True, capture_output=True)
    return db
