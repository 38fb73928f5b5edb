// R1 一数一源: a dataset has no source, or more than one. focus: dataset; related: its sources
MATCH (ds:Dataset)
WHERE ds.dct__identifier IS NOT NULL
OPTIONAL MATCH (ds)-[:sourceAgency]->(s:Resource)
WITH ds, collect(DISTINCT s.uri) AS related
WHERE size(related) <> 1
RETURN ds.uri AS focus, related
