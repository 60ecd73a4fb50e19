"""A Virtuoso 7 (Debian's ``virtuoso-opensource``) on loopback ports, started by the tests with a
database folder of their own: the store contract run on a SPARQL server that is not Oxigraph,
in the layout the README gives for it."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support import free_port, stop_process

from interlink_kg.store.remote_graphs import SERVER_GRAPHS

# What the README asks of a Virtuoso that holds the catalogue, in [SPARQL]: no cut in results
# (its default, 10,000 rows, cuts answers with a 200), and no cost estimate before a query (the
# endpoint compiles each request a second time to estimate it, and a catalogue's load of a few
# MB then fails: "SQ199: Maximum size (32767) of a code vector exceeded").
INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
ThreadsPerQuery = 2
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 500M

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}/vsp
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
"""
# SPARQL Update for the anonymous /sparql endpoint (the README's "GRANT").
GRANTS = "GRANT SPARQL_UPDATE TO \"SPARQL\";\nDB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);\n"


def installed() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


@dataclass
class VirtuosoServer:
    location: Path
    http_port: int
    sql_port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def store_url(self) -> str:
        return f"sparql+http://127.0.0.1:{self.http_port}/?query=sparql&update=sparql&union="

    @property
    def _endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def start(self) -> None:
        """Start it and wait for *its* two "online" lines (a connection alone could reach
        another process on the port), then allow SPARQL Update."""
        (self.location / "vsp").mkdir(parents=True, exist_ok=True)
        ini = self.location / "virtuoso.ini"
        ini.write_text(INI.format(d=self.location, sql=self.sql_port, http=self.http_port))
        log = self.location / "virtuoso.log"
        with (self.location / "output.log").open("wb") as output:
            self.process = subprocess.Popen(
                ["virtuoso-t", "-f", "-c", str(ini)],  # -f: in the foreground, our child
                cwd=self.location,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        lines = (
            f"HTTP server online at 127.0.0.1:{self.http_port}",
            f"Server online at 127.0.0.1:{self.sql_port}",
        )
        deadline = time.monotonic() + 60
        while True:
            said = log.read_text(errors="replace") if log.exists() else ""
            if all(line in said for line in lines):
                break
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"virtuoso-t did not start: {said[-2000:]}")
            time.sleep(0.05)
        subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input=GRANTS.encode(),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def stop(self) -> None:
        stop_process(self.process, within=30)  # it checkpoints, then exits
        self.process = None

    def _post(self, field: str, text: str) -> bytes:
        request = urllib.request.Request(
            self._endpoint,
            data=urllib.parse.urlencode({field: text}).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # loopback
            return bytes(answer.read())

    def clear(self) -> None:
        """Drop every graph but Virtuoso's own (``DROP ALL`` would drop its RDF views')."""
        listed = json.loads(
            self._post("query", "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        )
        names = [
            row["g"]["value"]
            for row in listed["results"]["bindings"]
            if "g" in row and row["g"]["value"] not in SERVER_GRAPHS
        ]
        for at in range(0, len(names), 200):  # it compiles no request of 1,000 operations
            batch = names[at : at + 200]
            self._post("update", " ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in batch))


@contextmanager
def virtuoso_server(location: Path) -> Iterator[VirtuosoServer]:
    server = VirtuosoServer(location, free_port(), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
