// R9 首席数据官缺失: an agency of kind 政府组成部门, 直属特设机构, 直属机构 or 部门管理机构 has no
// chief data officer. focus: agency; related: none
MATCH (a:Agency)-[:agencyKind]->(k:Resource)
WHERE NOT (a)-[:chiefDataOfficer]->() AND a.chiefDataOfficer IS NULL AND a.agencyKind IS NULL
WITH a, collect(k.uri) AS kinds
WHERE all(k IN kinds WHERE k IN ['https://govkg.org/ontology#ConstituentDepartment',
                                 'https://govkg.org/ontology#SpecialDirectAgency',
                                 'https://govkg.org/ontology#DirectAgency',
                                 'https://govkg.org/ontology#DepartmentAdministeredAgency'])
RETURN a.uri AS focus, [] AS related
