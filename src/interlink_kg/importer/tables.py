"""Lookup tables from upstream enumeration values to our vocabulary concepts.

Each upstream spelling defect is fixed here, once (see ``catalogue_data/README.md``).
"""

from __future__ import annotations

from types import MappingProxyType

from interlink_kg.model import catalogue, file_types, labels

# folder kind -> (our class name, concept id in the interlinker-kinds scheme)
KIND_CLASSES = MappingProxyType(
    {
        "software": "SoftwareInterlinker",
        "knowledge": "KnowledgeInterlinker",
        "externalsoftware": "ExternalSoftwareInterlinker",
        "externalknowledge": "ExternalKnowledgeInterlinker",
    }
)

# upstream licence category -> our licence category id (fixes the 'propietary' spelling)
LICENCE_CATEGORIES = MappingProxyType(
    {
        "public_domain": "public_domain",
        "permissive": "permissive",
        "copyleft": "copyleft",
        "non_commercial": "non_commercial",
        "propietary": "proprietary",
        "proprietary": "proprietary",
    }
)

# upstream knowledge format -> our format id (fixes the 'sofware' spelling)
KNOWLEDGE_FORMATS = MappingProxyType(
    {
        "pdf": "pdf",
        "editable_source_document": "editable_source_document",
        "open_document": "open_document",
        "structured_format": "structured_format",
        "sofware": "software",
        "software": "software",
    }
)

KNOWLEDGE_FORMS = frozenset(
    {
        "software",
        "visual_template",
        "document_template",
        "canvas",
        "best_practices",
        "guidelines",
        "checklist",
        "survey_template",
        "legal_agreement_template",
        "other",
    }
)

DIFFICULTIES = ("very_easy", "easy", "medium", "difficult", "very_difficult")
ADMINISTRATIVE_SCOPES = frozenset({"eu", "national", "local"})

# pilot environment -> EU country authority code
ENVIRONMENT_COUNTRIES = MappingProxyType({"varam": "LVA", "mef": "ITA", "zgz": "ESP"})

# two-letter language -> EU language authority code (one list for the whole package)
LANGUAGE_CODES = labels.LANGUAGE_CODES

# software INTERLINKER names used in 'softwareinterlinker' -> their INTERLINKER id
SOFTWARE_OPENERS = MappingProxyType(
    {
        "googledrive": "google_drive",
        "ceditor": "collaborative_editor",
        "surveyeditor": "survey_editor",
    }
)

# Where the seed's files can be downloaded: the seed's repository at the commit the bundled
# catalogue was imported from (its file paths are relative to the seed folder).
SEED_FILES_URL = (
    "https://raw.githubusercontent.com/interlink-project/backend-catalogue/"
    "1e2d2043de6e3e51fba6a8197ba9a03b00243c93/catalogue/seed/"
)

# file extension -> (EU file-type code, IANA media type): one table for the whole package
FILE_TYPES = file_types.FILE_TYPES

# Upstream gives these platform tools no problem profile, so no task could ever be matched to
# them; the profiles below are what each tool is for (see catalogue_data/README.md).
PROBLEM_PROFILE_REPAIRS = MappingProxyType(
    {
        "collaborative_editor": ("ORG_PROBLEM_6.1",),
        "google_drive": ("ORG_PROBLEM_6.1",),
        "survey_editor": ("UND_PROBLEM_3",),
    }
)

# problem-profile id -> purpose ids (the rule that derives an INTERLINKER's purposes)
_GUIDE = "guide_coproduction"
_CAPACITY = "build_capacity"
_SERVICE = "aid_service_development"


def purposes_of_problem(problem_id: str) -> tuple[str, ...]:
    """The purposes an INTERLINKER serves by addressing one problem profile.

    Organising, understanding, ideation, evaluation and hackathon problems are about guiding
    co-production; legal agreements, consent, data protection, incentives, licensing, re-use and
    business planning build legal and business capacity; design, specification and
    implementation problems aid service development.
    """
    capacity = {
        "ORG_PROBLEM_7",
        "ORG_PROBLEM_8",
        "ORG_PROBLEM_9",
        "ORG_PROBLEM_13",
        "ORG_PROBLEM_14",
        "BUILD_PROBLEM_3",
        "BUILD_PROBLEM_8",
        "SUS_PROBLEM_1",
    }
    service = {
        "ORG_PROBLEM_3",
        "DEF_PROBLEM_1",
        "DEF_PROBLEM_4",
        "DEF_PROBLEM_5",
        "DEF_PROBLEM_6",
        "VAL_PROBLEM_3",
        "VAL_PROBLEM_4",
    }
    if problem_id in capacity:
        return (_CAPACITY,)
    if problem_id in service or problem_id.startswith("BUILD_"):
        return (_SERVICE,)
    return (_GUIDE,)


PROBLEM_GROUPS = catalogue.PROBLEM_GROUPS


def problem_group(problem_id: str) -> str:
    """The group (top concept) of a problem profile, from its id prefix."""
    prefix = problem_id.split("_", 1)[0]
    if prefix not in PROBLEM_GROUPS:
        raise ValueError(f"problem profile {problem_id!r} has no known group prefix")
    return prefix


def target_path(value: str) -> tuple[str, ...]:
    """``'all;businesses;smes'`` -> ``('all', 'businesses', 'smes')``."""
    return tuple(part for part in value.replace(":", ";").split(";") if part)


def service_type_path(value: str) -> tuple[str, ...]:
    """Service types are ``;`` paths; one upstream value uses ``:`` by mistake."""
    return target_path(value)
