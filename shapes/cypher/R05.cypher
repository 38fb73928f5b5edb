// R5 内设机构无职责: a unit holds no duty. focus: unit; related: none
MATCH (u:InternalUnit)
OPTIONAL MATCH (d:Duty)-[:heldBy]->(u)
WITH u, count(d) AS duties
WHERE duties = 0
RETURN u.uri AS focus, [] AS related
