// R8 清单不同步: an agency has a base code in one list (编办 / 政务服务) and not in the other.
// focus: agency; related: [base code] (one finding per agency and base code)
MATCH (i:PowerItem)-[:implementedBy]->(a:Resource), (i)-[:listSource]->(l:Resource)
WHERE i.baseCode IS NOT NULL
WITH a, i.baseCode AS code, collect(DISTINCT l.uri) AS lists
WHERE size(lists) = 1
RETURN a.uri AS focus, [code] AS related_values
