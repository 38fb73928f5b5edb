"""The store's graph in Neo4j (or FalkorDB): the Bolt client, the property-graph mapping,
push and pull, the rules as Cypher, and the local FalkorDB server of the tests."""
