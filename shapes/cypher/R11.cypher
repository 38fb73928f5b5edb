// R11 隶属关系异常: the agency's parent or hosted_in is itself or an agency of another
// government, or the agency lies on a cycle of chains (chainNext: administeredBy, else hostedIn).
// focus: agency; related: where the bad links lead, and the others on its cycle
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
MATCH (a:Agency)
WHERE (a)-[:administeredBy|hostedIn]->()
OPTIONAL MATCH (a)-[:administeredBy|hostedIn]->(r:Resource)
WHERE (a)-[:government]->() AND (r)-[:government]->()
  AND (r = a OR NOT (a)-[:government]->()<-[:government]-(r))
WITH a, collect(DISTINCT r) AS direct
OPTIONAL MATCH cycle = (a)-[:chainNext*1..]->(a)
WITH a, direct, count(cycle) > 0 AS onCycle
OPTIONAL MATCH (a)-[:chainNext*1..]->(o:Resource)-[:chainNext*1..]->(a)
WHERE onCycle AND o <> a
WITH a, direct, onCycle, collect(DISTINCT o) AS others
WHERE size(direct) > 0 OR onCycle
WITH a, direct + [o IN others WHERE NOT o IN direct] AS linked
RETURN a.uri AS focus, [x IN linked | x.uri] AS related,
       [n IN [a] + linked | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
