// R5 内设机构无职责: a unit holds no duty. focus: unit; related: none
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (:Resource {uri: $government})<-[:government]-(:Agency)<-[:org__unitOf]-(u:InternalUnit)
WITH DISTINCT u
OPTIONAL MATCH (d:Duty)-[:heldBy]->(u)
WITH u, count(d) AS duties
WHERE duties = 0
RETURN u.uri AS focus, [] AS related,
       [[u.uri, [k IN keys(u)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, u[k]]]]] AS names
