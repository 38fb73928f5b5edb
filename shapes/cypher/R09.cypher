// R9 首席数据官缺失: an agency of kind 政府组成部门, 直属特设机构, 直属机构 or 部门管理机构 has no
// chief data officer. focus: agency; related: none
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (:Resource {uri: $government})<-[:government]-(a:Agency)
WITH a  // from its agencies, not every agency each time
MATCH (a)-[:agencyKind]->(k:Resource)
WHERE NOT (a)-[:chiefDataOfficer]->() AND a.chiefDataOfficer IS NULL AND a.agencyKind IS NULL
WITH a, collect(k.uri) AS kinds
WHERE all(k IN kinds WHERE k IN ['https://govkg.org/ontology#ConstituentDepartment',
                                 'https://govkg.org/ontology#SpecialDirectAgency',
                                 'https://govkg.org/ontology#DirectAgency',
                                 'https://govkg.org/ontology#DepartmentAdministeredAgency'])
RETURN a.uri AS focus, [] AS related,
       [[a.uri, [k IN keys(a)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, a[k]]]]] AS names
