"""Services over the store and the bundled RDF: validation, catalogue reads, export."""
