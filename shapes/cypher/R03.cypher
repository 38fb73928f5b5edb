// R3 必设职能缺位: a mandatory function is covered by no lead duty of any agency of a
// government (a duty on the function or on one above it). focus: function; related: [government]
// (one finding per function and government)
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
// the functions the government's lead duties cover (its own or one below), then the rest
MATCH (g:Resource {uri: $government})<-[:government]-(a:Agency)
WITH g, a  // from its agencies to their duties, not from every lead duty each time
OPTIONAL MATCH (a)<-[:org__unitOf*0..1]-(:Resource)<-[:heldBy]-(d:Duty)-[:onFunction]->(:Resource)<-[:skos__broader*0..]-(covered:Function)
WHERE (d)-[:role]->(:Resource {uri: 'https://govkg.org/ontology#Lead'})
WITH g, collect(DISTINCT covered.uri) AS covered
MATCH (f:Function)
WHERE f.mandatory = true AND NOT f.uri IN covered
RETURN f.uri AS focus, [g.uri] AS related,
       [n IN [f, g] | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
