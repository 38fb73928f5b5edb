// R3 必设职能缺位: a mandatory function is covered by no lead duty of any agency of a
// government (a duty on the function or on one above it). focus: function; related: [government]
// (one finding per function and government)
MATCH (f:Function)
WHERE f.mandatory = true
MATCH (:Agency)-[:government]->(g:Resource)
WITH DISTINCT f, g
OPTIONAL MATCH (f)-[:skos__broader*0..]->(:Resource)<-[:onFunction]-(d:Duty)-[:role]->(:Resource {uri: 'https://govkg.org/ontology#Lead'}),
               (d)-[:heldBy]->(:Resource)-[:org__unitOf*0..1]->(:Agency)-[:government]->(g)
WITH f, g, count(d) AS leads
WHERE leads = 0
RETURN f.uri AS focus, [g.uri] AS related
