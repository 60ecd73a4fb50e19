"""Co-production: teams and their members, co-production processes following a schema, the
selection and registry of INTERLINKER use, and ratings (the next capability to be built; the
ontology and shapes for it exist already in ``ontology/`` and ``shapes/coproduction.ttl``)."""
