// R6 信息化机构重复: two or more units of one agency hold duties on functions of category 信息化
// (the function's own category or one of a function above it). focus: agency; related: units
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (:Resource {uri: $government})<-[:government]-(a:Agency)<-[:org__unitOf]-(u:InternalUnit)<-[:heldBy]-(:Duty)-[:onFunction]->(:Resource)-[:skos__broader*0..]->(c:Function)
WHERE c.category = '信息化'
WITH a, collect(DISTINCT u) AS units
WHERE size(units) >= 2
RETURN a.uri AS focus, [x IN units | x.uri] AS related,
       [n IN [a] + units | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
