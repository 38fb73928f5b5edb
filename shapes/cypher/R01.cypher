// R1 一数一源: a dataset has no source, or more than one. focus: dataset; related: its sources
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
MATCH (ds:Dataset)
WHERE ds.dct__identifier IS NOT NULL
OPTIONAL MATCH (ds)-[:sourceAgency]->(s:Resource)
WITH ds, collect(DISTINCT s) AS sources
WHERE size(sources) <> 1
RETURN ds.uri AS focus, [x IN sources | x.uri] AS related,
       [n IN [ds] + sources | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
