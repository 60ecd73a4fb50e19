"""Validation: SHACL shapes applied with pySHACL (the project's shapes with the ontology and
vocabularies as background, and each catalogue profile's official shapes on the view it would
publish), typed reports and their RDF form, and the worker process that validates untrusted
bodies for ``POST /validate``."""
