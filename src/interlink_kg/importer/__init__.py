"""Converting the upstream INTERLINK catalogue seed into interlink-kg RDF."""
