// R17 划转职责无人承接, its candidates: a transfer out (划出, 交给) or in (划入) naming a
// counterpart agency, returned with the texts the text judgement decides it by
// (govkg.shapes.transfer_rule.stays, as for SHACL). focus: transfer; related: counterpart
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
MATCH (t:DutyTransfer)-[:counterpart]->(c:Resource), (t)-[:transferKind]->(kind:Resource)
WHERE kind.uri IN ['https://govkg.org/ontology#TransferOut',
                   'https://govkg.org/ontology#HandOver',
                   'https://govkg.org/ontology#TransferIn']
OPTIONAL MATCH (c)-[:government]->(g:Resource)
OPTIONAL MATCH (d:Duty)-[:heldBy]->(:Resource)-[:org__unitOf*0..1]->(c)
WITH t, c, kind, min(g.uri) AS government, collect(d.`dct__description@zh`) AS duties
RETURN t.uri AS focus, [c.uri] AS related, government AS judge_government,
       kind.uri AS judge_kind, t.`dct__description@zh` AS judge_text, duties AS judge_duties,
       [n IN [t, c] | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
