// R10 数据管理多头: in one government, the agencies holding duties on functions of category
// 数据管理 belong to two or more lines (the top of the chain, followed along chainNext:
// administeredBy, else hostedIn). An agency whose chain passes an agency R11 reports is left out.
// focus: government; related: those agencies
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (g:Resource {uri: $government})<-[:government]-(a:Agency)
WITH g, a  // from its agencies to their duties, not from every 数据管理 function's
MATCH (a)<-[:org__unitOf*0..1]-(:Resource)<-[:heldBy]-(:Duty)-[:onFunction]->(:Resource)-[:skos__broader*0..]->(c:Function)
WHERE c.category = '数据管理'
WITH DISTINCT g, a
// left out (1): its chain passes an agency linked to itself or to another government
OPTIONAL MATCH (a)-[:chainNext*0..]->(x:Resource)-[:administeredBy|hostedIn]->(y:Resource)
WHERE (x)-[:government]->() AND (y)-[:government]->()
  AND (x = y OR NOT (x)-[:government]->()<-[:government]-(y))
WITH g, a, count(x) AS foreign
WHERE foreign = 0
// left out (2): its chain passes an agency on a cycle
OPTIONAL MATCH (a)-[:chainNext*0..]->(x:Resource)-[:chainNext*1..]->(x)
WITH g, a, count(x) AS cycles
WHERE cycles = 0
// its line: the top of its chain
MATCH (a)-[:chainNext*0..]->(top:Resource)
WHERE NOT (top)-[:chainNext]->()
WITH g, collect(DISTINCT a) AS agencies, collect(DISTINCT top.uri) AS lines
WHERE size(lines) >= 2
RETURN g.uri AS focus, [x IN agencies | x.uri] AS related,
       [n IN [g] + agencies | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
