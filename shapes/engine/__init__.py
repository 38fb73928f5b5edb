"""A general SHACL engine: shapes compiled to SPARQL and run on pyoxigraph, pyshacl as the
reference and for what does not compile. Tested on the W3C SHACL suite; it knows nothing
of govkg's rules (those are the rest of ``govkg.shapes``)."""
