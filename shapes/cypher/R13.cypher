// R13 共享数据无提供方: a dataset shared 无条件 or 有条件 has no 提供 or 共享 data duty on it held
// by one of its sources (or their units). focus: dataset; related: none
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
MATCH (ds:Dataset)-[:shareType]->(t:Resource)
WHERE t.uri IN ['https://govkg.org/ontology#UnconditionalSharing',
                'https://govkg.org/ontology#ConditionalSharing']
WITH DISTINCT ds
OPTIONAL MATCH (ds)<-[:onDataset]-(dd:DataDuty)-[:dataDutyKind]->(k:Resource),
               (dd)-[:heldBy]->(:Resource)-[:org__unitOf*0..1]->(:Resource)<-[:sourceAgency]-(ds)
WHERE k.uri IN ['https://govkg.org/ontology#DataProvision', 'https://govkg.org/ontology#DataSharing']
WITH ds, count(dd) AS providers
WHERE providers = 0
RETURN ds.uri AS focus, [] AS related,
       [[ds.uri, [k IN keys(ds)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, ds[k]]]]] AS names
