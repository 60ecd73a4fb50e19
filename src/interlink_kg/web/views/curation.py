"""Curators' and contributors' pages: check a description and read its report, submit it, the
review queue (approve, reject with a reason, deprecate) and the quality report."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath
from typing import Any

from flask import Response, flash, redirect, request, url_for

from interlink_kg.curation.quality import quality_report
from interlink_kg.errors import InterlinkKGError, UnauthorizedError
from interlink_kg.model.report import Severity, ValidationReport, ValidationResult
from interlink_kg.model.roles import Role
from interlink_kg.model.workflow import Status
from interlink_kg.rdf.formats import RdfFormat, by_name, by_path
from interlink_kg.web.i18n import gettext as _
from interlink_kg.web.pages import render_page, viewer
from interlink_kg.web.state import state

FORMATS = (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("xml", "RDF/XML"), ("nt", "N-Triples"))
MAX_ALLOWED_SHOWN = 12


def _short(iri: str | None) -> str:
    if not iri:
        return ""
    for sep in ("#", "/"):
        if sep in iri:
            return iri.rstrip("/").rsplit(sep, 1)[-1]
    return iri


def grouped(results: tuple[ValidationResult, ...]) -> list[dict[str, Any]]:
    """Results by resource, then property: what to fix, where, and the allowed values."""
    by_node: dict[str, dict[str, list[ValidationResult]]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        by_node[result.focus_node][result.path or ""].append(result)
    out = []
    for node, by_path_ in sorted(by_node.items()):
        properties = []
        for path, found in sorted(by_path_.items()):
            properties.append(
                {
                    "path": path,
                    "name": _short(path) or _("the resource itself"),
                    "results": [
                        {
                            "severity": r.severity.value,
                            "message": r.message,
                            "value": r.value,
                            "allowed": [(a, _short(a)) for a in r.allowed[:MAX_ALLOWED_SHOWN]],
                            "more_allowed": max(0, len(r.allowed) - MAX_ALLOWED_SHOWN),
                        }
                        for r in found
                    ],
                }
            )
        out.append({"node": node, "name": _short(node), "properties": properties})
    return out


def _read_description() -> tuple[bytes, RdfFormat, str]:
    """The description from the upload or the text box, its format, and the text to show."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.read()
        try:
            fmt = by_path(PurePosixPath(upload.filename))
        except InterlinkKGError:
            fmt = by_name(request.form.get("format", "ttl"))
        text = data.decode("utf-8", "replace")
    else:
        text = request.form.get("description", "")
        data = text.encode("utf-8")
        fmt = by_name(request.form.get("format", "ttl"))
    if not data.strip():
        raise _ProblemError(_("Paste a description or choose a file first."))
    return data, fmt, text


class _ProblemError(Exception):
    pass


def curate() -> Response:
    account = viewer()
    context: dict[str, Any] = {
        "formats": FORMATS,
        "chosen_format": request.form.get("format", "ttl"),
        "text": "",
        "report": None,
        "error": None,
        "submitted": None,
    }
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "check")
        try:
            data, fmt, context["text"] = _read_description()
            if action == "submit":
                if account is None:
                    raise UnauthorizedError(_("Sign in to submit a description."))
                outcome = state().workspace.submit(account, data, fmt)
                context["submitted"] = outcome.record
                context["report"] = _report_view(outcome.report)
            else:
                with state().expensive.slot():
                    report = state().validation.validate("interlink", data, fmt)
                context["report"] = _report_view(report)
                status = 200 if report.conforms else 422
        except _ProblemError as problem:
            context["error"] = str(problem)
            status = 400
        except InterlinkKGError as error:
            found = error.details.get("report") if error.details else None
            context["error"] = error.message
            if isinstance(found, dict):
                context["report"] = _report_from_dict(found)
            status = error.status
    return render_page(
        "curate.html",
        title=_("Describe an INTERLINKER"),
        status=status,
        **context,
    )


def _report_view(report: ValidationReport) -> dict[str, Any]:
    return {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "groups": grouped(report.results),
    }


def _report_from_dict(data: dict[str, Any]) -> dict[str, Any]:
    results = tuple(
        ValidationResult(
            severity=Severity(r["severity"]),
            focus_node=r["focus_node"],
            path=r.get("path"),
            value=r.get("value"),
            message=r["message"],
            source_shape=r["source_shape"],
            constraint=r["constraint"],
            allowed=tuple(r.get("allowed", ())),
        )
        for r in data.get("results", [])
    )
    counts = data.get("counts", {})
    return {
        "conforms": data.get("conforms", False),
        "violations": counts.get("violations", 0),
        "warnings": counts.get("warnings", 0),
        "groups": grouped(results),
    }


def queue() -> Response:
    account = state().auth.require(request, Role.CONTRIBUTOR)
    raw = request.args.get("status", "proposed")
    status = None
    if raw != "all":
        try:
            status = Status(raw)
        except ValueError:
            status = Status.PROPOSED
    records = state().workspace.list(account, status)
    return render_page(
        "submissions.html",
        title=_("Submissions"),
        records=records,
        chosen_status=raw,
        statuses=["proposed", "published", "rejected", "deprecated", "all"],
        can_decide=account.can(Role.CURATOR),
    )


def decide(identifier: str, action: str) -> Response:
    account = state().auth.require(request, Role.CURATOR)
    workspace = state().workspace
    try:
        if action == "approve":
            workspace.approve(account, identifier)
            flash(_("%(id)s is published.", id=identifier), "ok")
        elif action == "reject":
            reason = request.form.get("reason", "").strip()
            if not reason:
                flash(_("Give a reason to reject %(id)s.", id=identifier), "error")
            else:
                workspace.reject(account, identifier, reason)
                flash(_("%(id)s is rejected.", id=identifier), "ok")
        elif action == "deprecate":
            workspace.deprecate(account, identifier)
            flash(_("%(id)s is deprecated.", id=identifier), "ok")
    except InterlinkKGError as error:
        flash(error.message, "error")
    back = request.form.get("back", "proposed")
    return redirect(url_for("submissions.index", status=back), code=303)  # type: ignore[return-value]


def quality() -> Response:
    state().auth.require(request, Role.CURATOR)
    report = quality_report(state().store, state().settings.base_iri)
    return render_page("quality.html", title=_("Quality report"), report=report.to_dict())
