// R4 数据职责未入三定: an agency is a source of datasets, but none of its data duties (or its
// units') is in_mandate. focus: agency; related: those datasets
MATCH (ds:Dataset)-[:sourceAgency]->(a:Resource)
WITH a, collect(DISTINCT ds.uri) AS related
OPTIONAL MATCH (dd:DataDuty)-[:heldBy]->(:Resource)-[:org__unitOf*0..1]->(a)
WHERE dd.inMandate = true
WITH a, related, count(dd) AS written
WHERE written = 0
RETURN a.uri AS focus, related
