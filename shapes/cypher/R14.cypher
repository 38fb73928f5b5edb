// R14 内设机构职责越界: a unit's duty is on a function that none of its agency's own duties
// covers (only where the agency holds a duty with a function). focus: duty; related: unit, agency
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (:Resource {uri: $government})<-[:government]-(a:Agency)
WITH a  // from its agencies to their units' duties, not every duty each time
MATCH (a)<-[:org__unitOf]-(u:InternalUnit)<-[:heldBy]-(d:Duty)
WHERE (a)<-[:heldBy]-(:Duty)-[:onFunction]->()
MATCH (d)-[:onFunction]->(f:Resource)
OPTIONAL MATCH (f)-[:skos__broader*0..]->(:Resource)<-[:onFunction]-(own:Duty)-[:heldBy]->(a)
WITH d, u, a, f, count(own) AS covering
WHERE covering = 0
RETURN DISTINCT d.uri AS focus, [u.uri, a.uri] AS related,
       [n IN [d, u, a] | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
