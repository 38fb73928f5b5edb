// R12 编制超限: the staffing of an agency's units adds up to more than its own.
// focus: agency; related: its units with staffing
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (:Resource {uri: $government})<-[:government]-(a:Agency)
WITH a  // from its agencies to their units, not every unit each time
MATCH (a)<-[:org__unitOf]-(u:InternalUnit)
WHERE u.staffing IS NOT NULL AND a.staffing IS NOT NULL
WITH a, collect(DISTINCT u) AS units
WITH a, units, reduce(total = 0, u IN units | total + u.staffing) AS total
WHERE total > a.staffing
RETURN a.uri AS focus, [u IN units | u.uri] AS related,
       [n IN [a] + units | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
