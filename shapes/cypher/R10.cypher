// R10 数据管理多头: in one government, the agencies holding duties on functions of category
// 数据管理 belong to two or more lines (the top of the chain: administeredBy, else hostedIn).
// An agency whose chain reaches an agency R11 reports is left out.
// focus: government; related: those agencies
MATCH (a:Agency)-[:government]->(g:Resource)
MATCH (a)<-[:org__unitOf*0..1]-(:Resource)<-[:heldBy]-(:Duty)-[:onFunction]->(:Resource)-[:skos__broader*0..]->(c:Function)
WHERE c.category = '数据管理'
WITH DISTINCT g, a
// left out (1): its chain reaches a link to itself or to an agency of another government
OPTIONAL MATCH (a)-[:administeredBy|hostedIn*0..]->(x:Resource)-[:administeredBy|hostedIn]->(y:Resource)
WHERE (x)-[:government]->() AND (y)-[:government]->()
  AND (x = y OR NOT (x)-[:government]->()<-[:government]-(y))
WITH g, a, count(x) AS foreign
WHERE foreign = 0
// left out (2): its chain reaches a cycle not broken by an overridden hostedIn
OPTIONAL MATCH (a)-[:administeredBy|hostedIn*0..]->(x:Resource)-[:administeredBy|hostedIn*1..]->(x)
WITH DISTINCT g, a, x
OPTIONAL MATCH (x)-[:administeredBy|hostedIn*0..]->(w:Resource)-[:hostedIn]->(h:Resource)-[:administeredBy|hostedIn*0..]->(x),
               (w)-[:administeredBy]->(p:Resource)
WHERE p <> h AND NOT (p)-[:administeredBy|hostedIn*0..]->(x)
WITH g, a, x, count(w) AS overridden
WITH g, a, sum(CASE WHEN x IS NOT NULL AND overridden = 0 THEN 1 ELSE 0 END) AS cycles
WHERE cycles = 0
// its line: the top of its chain, where an agency with both links goes up administeredBy
MATCH (a)-[:administeredBy|hostedIn*0..]->(top:Resource)
WHERE NOT (top)-[:administeredBy|hostedIn]->()
OPTIONAL MATCH (a)-[:administeredBy|hostedIn*0..]->(w:Resource)-[:hostedIn]->(h:Resource)-[:administeredBy|hostedIn*0..]->(top),
               (w)-[:administeredBy]->(p:Resource)
WHERE NOT (p)-[:administeredBy|hostedIn*0..]->(top)
WITH g, a, top, count(w) AS offChain
WHERE offChain = 0
WITH g, collect(DISTINCT a.uri) AS related, collect(DISTINCT top.uri) AS lines
WHERE size(lines) >= 2
RETURN g.uri AS focus, related
