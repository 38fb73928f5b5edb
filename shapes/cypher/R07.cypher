// R7 四级四同不一致: power items sharing a base code differ in name, type or basis.
// focus: the base code (a value); related: those items
MATCH (i:PowerItem)-[:itemType]->(t:Resource)
WHERE i.baseCode IS NOT NULL
WITH i, t,
     [k IN keys(i) WHERE k = 'skos__prefLabel' OR k STARTS WITH 'skos__prefLabel@'
                      OR k STARTS WITH 'skos__prefLabel^^' | i[k]] AS names,
     [k IN keys(i) WHERE k = 'basis' OR k STARTS WITH 'basis@' OR k STARTS WITH 'basis^^' | i[k]] AS bases
WHERE size(names) > 0
UNWIND names AS name
UNWIND CASE WHEN size(bases) = 0 THEN [''] ELSE bases END AS basis
WITH i.baseCode AS code, collect(DISTINCT i.uri) AS related, collect(DISTINCT name) AS named,
     collect(DISTINCT t.uri) AS types, collect(DISTINCT basis) AS based
WHERE size(named) > 1 OR size(types) > 1 OR size(based) > 1
RETURN code AS focus_value, related
