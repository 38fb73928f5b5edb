// R6 信息化机构重复: two or more units of one agency hold duties on functions of category 信息化
// (the function's own category or one of a function above it). focus: agency; related: units
MATCH (a:Resource)<-[:org__unitOf]-(u:InternalUnit)<-[:heldBy]-(:Duty)-[:onFunction]->(:Resource)-[:skos__broader*0..]->(c:Function)
WHERE c.category = '信息化'
WITH a, collect(DISTINCT u.uri) AS related
WHERE size(related) >= 2
RETURN a.uri AS focus, related
