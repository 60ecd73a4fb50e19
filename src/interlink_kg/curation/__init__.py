"""Curation: the curators' workflow over the catalogue and workspace stores (submit, revise,
approve, reject, deprecate, recover after a crash), bearer tokens and roles, catalogue records,
the quality report, and loading RDF files into the catalogue."""
