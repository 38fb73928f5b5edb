// R7 四级四同不一致: power items sharing a base code differ in name, type or basis.
// focus: the base code (a value); related: those items
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
MATCH (i:PowerItem)-[:itemType]->(t:Resource)
WHERE i.baseCode IS NOT NULL
WITH i, t,
     [k IN keys(i) WHERE k = 'skos__prefLabel' OR k STARTS WITH 'skos__prefLabel@'
                      OR k STARTS WITH 'skos__prefLabel^^' | i[k]] AS names,
     [k IN keys(i) WHERE k = 'basis' OR k STARTS WITH 'basis@' OR k STARTS WITH 'basis^^' | i[k]] AS bases
WHERE size(names) > 0
UNWIND names AS name
UNWIND CASE WHEN size(bases) = 0 THEN [''] ELSE bases END AS basis
WITH i.baseCode AS code, collect(DISTINCT i) AS items, collect(DISTINCT name) AS named,
     collect(DISTINCT t.uri) AS types, collect(DISTINCT basis) AS based
WHERE size(named) > 1 OR size(types) > 1 OR size(based) > 1
RETURN code AS focus_value, [x IN items | x.uri] AS related,
       [n IN items | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
