// R15 实施编码不一致: <base code>-<area code, 12 digits>-000-<USCC>-<n>-<nn>, read from the right:
// malformed, or another base code, or the area not in the agency's government, or a USCC
// that is not valid (GB 32100-2015) or not the agency's. focus: power item; related: [agency]
// names: [uri, [[key, value] ...]] of those nodes: what their ids and names are read from
// run once per government: $government is its uri (docs/neo4j.md)
MATCH (gv:Resource {uri: $government})<-[:government]-(a:Agency)
// from the agencies to their items (left to itself, FalkorDB scans every item each time)
WITH gv, a
MATCH (a)<-[:implementedBy]-(i:PowerItem)
WHERE i.implCode IS NOT NULL AND i.baseCode IS NOT NULL
// FalkorDB evaluates every branch of CASE: a code too short is replaced by one that fails
WITH i, a, i.baseCode AS bc, gv.divisionCode AS gov, a.uscc AS own,
     CASE WHEN size(i.implCode) < 42 THEN '##########################################'
          ELSE i.implCode END AS code,
     ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] AS digits,
     '0123456789ABCDEFGHJKLMNPQRTUWXY' AS cs
WITH i, a, code, size(code) AS n, bc, gov, own, cs, digits
WITH i, a, bc, gov, own, cs,
     substring(code, n - 41, 1) = '-'
     AND all(k IN range(n - 40, n - 29) WHERE substring(code, k, 1) IN digits)
     AND substring(code, n - 28, 5) = '-000-'
     AND substring(code, n - 5, 1) = '-' AND substring(code, n - 4, 1) IN digits
     AND substring(code, n - 3, 1) = '-' AND substring(code, n - 2, 1) IN digits
     AND substring(code, n - 1, 1) IN digits AS form,
     substring(code, 0, n - 41) AS base,
     substring(code, n - 40, 12) AS area,
     substring(code, n - 23, 18) AS u
WITH i, a, bc, gov, own, cs, form, base, area, u,
     [k IN range(0, 17) | substring(u, k, 1)] AS chars,
     [k IN range(0, 30) | substring(cs, k, 1)] AS allowed
WITH i, a, bc, gov, own, cs, form, base, area, u, chars,
     all(c IN chars WHERE c IN allowed) AS charset,
     reduce(s = 0, k IN range(0, 16) |
            s + [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28][k]
                * size(split(cs, chars[k])[0])) AS total
WITH i, a,
     form AND base = bc AND area STARTS WITH gov AND charset
     AND chars[17] = substring(cs, (31 - total % 31) % 31, 1)
     AND (own IS NULL OR own = u) AS ok
WHERE NOT coalesce(ok, false)
RETURN DISTINCT i.uri AS focus, [a.uri] AS related,
       [n IN [i, a] | [n.uri, [k IN keys(n)
         WHERE any(p IN ['dct__identifier', 'divisionCode', 'skos__prefLabel', 'dct__description']
                   WHERE k STARTS WITH p) | [k, n[k]]]]] AS names
