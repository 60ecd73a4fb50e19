"""RDF formats, parsing and serialisation helpers shared by the services."""
