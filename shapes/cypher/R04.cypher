// R4 数据职责未入三定: an agency is a source of datasets, but none of its data duties (or its
// units') is in_mandate. focus: agency; related: those datasets
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (:Resource {uri: $government})<-[:government]-(a:Agency)<-[:sourceAgency]-(ds:Dataset)
WITH a, collect(DISTINCT ds) AS datasets
OPTIONAL MATCH (dd:DataDuty)-[:heldBy]->(:Resource)-[:org__unitOf*0..1]->(a)
WHERE dd.inMandate = true
WITH a, datasets, count(dd) AS written
WHERE written = 0
RETURN a.uri AS focus, [x IN datasets | x.uri] AS related,
       [n IN [a] + datasets | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
