-- The core of `civisync sync`, in DuckDB SQL: the yardstick of bench/run.sh.
-- bench/duckdb.mjs replaces ${DATA} (the civisync-gen output directory) and
-- ${OUT} (where the CSV files go) and runs the statements in order.
--
-- What it does, as the spec (shared/SPEC.md §2, §3, §5) says and civisync does:
--   * email key = address trimmed of spaces, tabs and no-break spaces, lower-cased
--     (no Unicode NFC: cheaper for DuckDB than what civisync must do);
--   * users checked: uid > 0 and mail != '';
--   * a user's contact: the contact linked to it (User ID), else the non-deleted
--     Individual having the key in Email, Home-Email or Work-Email, preferring a
--     primary Email, then the lowest Contact ID; users after the first with the
--     same key are 'shared'; a key without @ gets no contact;
--   * new contacts: users with no contact;
--   * group members: og_membership user rows (state 1 Added, 2 Pending; 3 left
--     out) plus admins (og_users_roles 'administrator member', group author),
--     one row per group and person, named by Contact ID or, for a new contact,
--     by Email; ACL admins likewise; group titles trimmed, cut to 49 characters.
-- Left out (civisync does more): NFC, CRM-9091 "contact linked elsewhere",
-- group-name collisions, review.csv, summary.json, user_import_og.csv.

CREATE TEMP TABLE users AS
SELECT uid, name, mail, lower(trim(mail, ' ' || chr(9) || chr(160))) AS k
FROM read_csv('${DATA}/users.csv', header = true, delim = ',', quote = '"', escape = '"',
    columns = {'uid': 'BIGINT', 'name': 'VARCHAR', 'mail': 'VARCHAR', 'status': 'INTEGER', 'created': 'BIGINT'})
WHERE uid > 0 AND coalesce(mail, '') <> '';

CREATE TEMP TABLE contacts AS
SELECT "Contact ID" AS cid,
       "Contact Type" = 'Individual' AND coalesce("Is Deleted", 0) = 0 AS matchable,
       coalesce("Is Deleted", 0) <> 0 AS deleted,
       lower(trim("Email", ' ' || chr(9) || chr(160))) AS e0,
       lower(trim("Home-Email", ' ' || chr(9) || chr(160))) AS e1,
       lower(trim("Work-Email", ' ' || chr(9) || chr(160))) AS e2,
       "User ID" AS linked_uid
FROM read_csv('${DATA}/contacts.csv', header = true, delim = ',', quote = '"', escape = '"',
    columns = {'Contact ID': 'BIGINT', 'Contact Type': 'VARCHAR', 'First Name': 'VARCHAR', 'Last Name': 'VARCHAR',
               'Email': 'VARCHAR', 'Home-Email': 'VARCHAR', 'Work-Email': 'VARCHAR', 'Is Deleted': 'INTEGER',
               'User ID': 'BIGINT'});

-- Best contact per email key: primary first (prio 0), then lowest id.
CREATE TEMP TABLE best AS
SELECT k, min(prio * 1000000000000 + cid) % 1000000000000 AS cid
FROM (
    SELECT e0 AS k, 0 AS prio, cid FROM contacts WHERE matchable AND e0 <> ''
    UNION ALL
    SELECT e1, 1, cid FROM contacts WHERE matchable AND e1 <> ''
    UNION ALL
    SELECT e2, 1, cid FROM contacts WHERE matchable AND e2 <> ''
)
GROUP BY k;

CREATE TEMP TABLE links AS
SELECT linked_uid AS uid, min(cid) AS cid
FROM contacts WHERE linked_uid IS NOT NULL AND NOT deleted
GROUP BY linked_uid;

CREATE TEMP TABLE first_uid AS
SELECT k, min(uid) AS uid FROM users GROUP BY k;

CREATE TEMP TABLE uc AS
SELECT u.uid, u.name, trim(u.mail, ' ' || chr(9) || chr(160)) AS mail, u.k,
       CASE WHEN l.cid IS NOT NULL THEN 'linked'
            WHEN NOT contains(u.k, '@') THEN 'none'
            WHEN f.uid <> u.uid THEN 'shared'
            WHEN b.cid IS NOT NULL THEN 'email'
            ELSE 'new' END AS match,
       CASE WHEN l.cid IS NOT NULL THEN l.cid
            WHEN NOT contains(u.k, '@') THEN NULL
            ELSE b.cid END AS cid
FROM users u
LEFT JOIN links l ON l.uid = u.uid
LEFT JOIN first_uid f ON f.k = u.k
LEFT JOIN best b ON b.k = u.k;

COPY (
    SELECT uid AS "User ID", name AS "Username", mail AS "Email", cid AS "Contact ID", match AS "Match",
           CASE WHEN match IN ('linked', 'email', 'shared') THEN 100 END AS "Rule Score"
    FROM uc ORDER BY uid
) TO '${OUT}/user_contacts.csv' (HEADER, DELIMITER ',');

COPY (
    SELECT 'Individual' AS "Contact Type", NULL::VARCHAR AS "First Name", NULL::VARCHAR AS "Last Name",
           mail AS "Email", NULL::VARCHAR AS "External Identifier"
    FROM uc WHERE match = 'new' ORDER BY uid
) TO '${OUT}/new_contacts.csv' (HEADER, DELIMITER ',');

CREATE TEMP TABLE titles AS
SELECT nid AS gid, left(trim(title), 49) AS title, uid AS author
FROM read_csv('${DATA}/node.csv', header = true, delim = ',', quote = '"', escape = '"',
    columns = {'nid': 'BIGINT', 'type': 'VARCHAR', 'title': 'VARCHAR', 'uid': 'BIGINT'});

COPY (
    SELECT "Name", "Title", "Group Type", "Source" FROM (
        SELECT title AS "Name", title AS "Title", 'Mailing List' AS "Group Type",
               'OG Sync Group :' || gid || ':' AS "Source", gid, 0 AS acl FROM titles
        UNION ALL
        SELECT title || ': Administrator', title || ': Administrator', 'Access Control',
               'OG Sync Group ACL :' || gid || ':', gid, 1 FROM titles
    ) ORDER BY gid, acl
) TO '${OUT}/groups.csv' (HEADER, DELIMITER ',');

CREATE TEMP TABLE admins AS
SELECT r.gid, r.uid
FROM read_csv('${DATA}/og_users_roles.csv', header = true, delim = ',',
    columns = {'uid': 'BIGINT', 'rid': 'BIGINT', 'gid': 'BIGINT', 'group_type': 'VARCHAR'}) r
JOIN read_csv('${DATA}/og_role.csv', header = true, delim = ',', quote = '"', escape = '"',
    columns = {'rid': 'BIGINT', 'gid': 'BIGINT', 'group_type': 'VARCHAR', 'group_bundle': 'VARCHAR', 'name': 'VARCHAR'}) n
  ON n.rid = r.rid
WHERE n.name = 'administrator member'
UNION
SELECT gid, author FROM titles WHERE author > 0;

CREATE TEMP TABLE members AS
SELECT gid, etid AS uid, state
FROM read_csv('${DATA}/og_membership.csv', header = true, delim = ',',
    columns = {'id': 'BIGINT', 'type': 'VARCHAR', 'etid': 'BIGINT', 'entity_type': 'VARCHAR', 'gid': 'BIGINT',
               'group_type': 'VARCHAR', 'state': 'INTEGER', 'created': 'BIGINT', 'field_name': 'VARCHAR'})
WHERE entity_type = 'user' AND state IN (1, 2)
UNION ALL
SELECT gid, uid, 1 FROM admins;

COPY (
    SELECT t.title AS "Group Title", p.cid AS "Contact ID", p.email AS "Email", p.status AS "Status"
    FROM (
        SELECT m.gid, uc.cid, CASE WHEN uc.cid IS NULL THEN uc.k END AS nk,
               CASE WHEN uc.cid IS NULL THEN any_value(uc.mail) END AS email,
               CASE WHEN bool_or(m.state = 1) THEN 'Added' ELSE 'Pending' END AS status
        FROM members m
        JOIN uc ON uc.uid = m.uid AND uc.match <> 'none'
        GROUP BY m.gid, uc.cid, nk
    ) p
    JOIN titles t ON t.gid = p.gid
    ORDER BY p.gid, p.cid NULLS LAST, p.nk
) TO '${OUT}/group_members.csv' (HEADER, DELIMITER ',');

COPY (
    SELECT t.title || ': Administrator' AS "Group Title", p.cid AS "Contact ID", p.email AS "Email", 'Added' AS "Status"
    FROM (
        SELECT a.gid, uc.cid, CASE WHEN uc.cid IS NULL THEN uc.k END AS nk,
               CASE WHEN uc.cid IS NULL THEN any_value(uc.mail) END AS email
        FROM admins a
        JOIN uc ON uc.uid = a.uid AND uc.match <> 'none'
        GROUP BY a.gid, uc.cid, nk
    ) p
    JOIN titles t ON t.gid = p.gid
    ORDER BY p.gid, p.cid NULLS LAST, p.nk
) TO '${OUT}/acl_admins.csv' (HEADER, DELIMITER ',');
