// R11 隶属关系异常: the agency's parent or hosted_in is itself or an agency of another
// government, or the agency lies on a cycle of chains (one not broken by a hostedIn that an
// administeredBy overrides). focus: agency; related: where the links lead; the cycle's others
MATCH (a:Agency)
WHERE (a)-[:administeredBy|hostedIn]->()
OPTIONAL MATCH (a)-[:administeredBy|hostedIn]->(r:Resource)
WHERE (a)-[:government]->() AND (r)-[:government]->()
  AND (r = a OR NOT (a)-[:government]->()<-[:government]-(r))
WITH a, collect(DISTINCT r.uri) AS direct
OPTIONAL MATCH cycle = (a)-[:administeredBy|hostedIn*1..]->(a)
WITH a, direct, count(cycle) AS cycles
OPTIONAL MATCH (a)-[:administeredBy|hostedIn*0..]->(w:Resource)-[:hostedIn]->(h:Resource)-[:administeredBy|hostedIn*0..]->(a),
               (w)-[:administeredBy]->(p:Resource)
WHERE p <> h AND NOT (p)-[:administeredBy|hostedIn*0..]->(a)
WITH a, direct, cycles, count(w) AS overridden
WITH a, direct, cycles > 0 AND overridden = 0 AS onCycle
OPTIONAL MATCH (a)-[:administeredBy|hostedIn*1..]->(o:Resource)-[:administeredBy|hostedIn*1..]->(a)
WHERE onCycle AND o <> a
WITH a, direct, onCycle, collect(DISTINCT o.uri) AS others
WHERE size(direct) > 0 OR onCycle
RETURN a.uri AS focus, direct + [o IN others WHERE NOT o IN direct] AS related
