// R2 职责交叉未分工: two agencies of one government both lead one function, and no division
// clause names both for it. focus: function; related: the two agencies (one row per pair)
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (:Resource {uri: $government})<-[:government]-(a:Agency)<-[:org__unitOf*0..1]-(:Resource)<-[:heldBy]-(d:Duty)-[:onFunction]->(f:Function)
MATCH (d)-[:role]->(:Resource {uri: 'https://govkg.org/ontology#Lead'})
WITH DISTINCT f, a
WITH f, collect(a) AS leads
WHERE size(leads) >= 2
UNWIND leads AS a1
UNWIND leads AS a2
WITH DISTINCT f, a1, a2
WHERE a1.uri < a2.uri
OPTIONAL MATCH (c:DivisionClause)-[:onFunction]->(f), (c)-[:involves]->(a1), (c)-[:involves]->(a2)
WITH f, a1, a2, count(c) AS clauses
WHERE clauses = 0
RETURN f.uri AS focus, [a1.uri, a2.uri] AS related,
       [n IN [f, a1, a2] | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
