"""The govkg OWL ontology (``govkg.ttl``) and its Python face."""
