// R8 清单不同步: an agency has a base code in one list (编办 / 政务服务) and not in the other.
// focus: agency; related: [base code] (one finding per agency and base code)
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (:Resource {uri: $government})<-[:government]-(a:Agency)
// from the agencies to their items (left to itself, FalkorDB scans every item each time)
WITH a
MATCH (a)<-[:implementedBy]-(i:PowerItem)-[:listSource]->(l:Resource)
WHERE i.baseCode IS NOT NULL
WITH a, i.baseCode AS code, collect(DISTINCT l.uri) AS lists
WHERE size(lists) = 1
RETURN a.uri AS focus, [code] AS related_values,
       [n IN [a] | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
