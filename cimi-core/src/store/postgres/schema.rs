//! The database schema: its version, its SQL and migrations (created and
//! upgraded by writers under an advisory lock), the checks of the schema and
//! community names, and finding or registering the community's row.

use postgres::Client;

use super::Pg;
use super::conn::classify;
use crate::store::StoreError;

/// The newest schema version this library knows.
pub(super) const SCHEMA_VERSION: i64 = 1;

/// The first key of every advisory lock the store takes ("CIMI").
pub(super) const LOCK_CLASS: i32 = 0x4349_4D49;

/// Each migration: its version, what it does, and its SQL (`{s}` is the
/// quoted schema).
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "communities, journal and snapshots",
    r#"
CREATE TABLE {s}.communities (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    redacted_through bigint NOT NULL DEFAULT 0
);
CREATE TABLE {s}.journal (
    community bigint NOT NULL REFERENCES {s}.communities (id),
    seq bigint NOT NULL CHECK (seq > 0),
    actor text NOT NULL,
    at timestamptz NOT NULL,
    action text NOT NULL,
    more boolean NOT NULL,
    record json NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community, seq)
);
CREATE TABLE {s}.snapshots (
    community bigint NOT NULL REFERENCES {s}.communities (id),
    seq bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    document text NOT NULL,
    PRIMARY KEY (community, seq)
);
-- A writer's first step, in its transaction: the community's lock (waiting
-- at most p_lock_timeout), then what was committed after p_after: a first
-- row (seq 0) with the compaction point, then the records. One function, so
-- that its statements are planned once per session, not at every operation
-- inside the lock.
CREATE FUNCTION {s}.cimi_lock_and_read(
    p_community bigint, p_after bigint, p_lock_timeout text, p_class integer, p_key integer
) RETURNS TABLE (seq bigint, record text) LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM set_config('lock_timeout', p_lock_timeout, true);
    PERFORM pg_advisory_xact_lock(p_class, p_key);
    RETURN QUERY SELECT 0::bigint, c.redacted_through::text
        FROM {s}.communities c WHERE c.id = p_community;
    RETURN QUERY SELECT j.seq, j.record::text
        FROM {s}.journal j WHERE j.community = p_community AND j.seq > p_after;
END
$fn$;
"#,
)];

pub(super) fn check_schema(schema: &str) -> Result<String, StoreError> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with("pg_")
        && !schema.as_bytes()[0].is_ascii_digit()
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(format!("\"{schema}\""))
    } else {
        Err(StoreError::Location {
            detail: format!(
                "the schema {schema:?} is not 1 to 63 characters among a-z, 0-9 and _ (not starting with a digit or pg_)"
            ),
        })
    }
}

pub(super) fn check_community_name(name: &str) -> Result<(), StoreError> {
    let n = name.chars().count();
    if n == 0 || n > 200 || name.chars().any(char::is_control) {
        return Err(StoreError::Location {
            detail: "the community's name must be 1 to 200 characters without control characters"
                .into(),
        });
    }
    Ok(())
}

/// A writer's opening: the schema created or upgraded, the community found
/// or created, under an advisory lock on the schema.
pub(super) fn migrate_and_register(pg: &mut Pg) -> Result<Option<i64>, StoreError> {
    let schema = pg.schema.clone();
    let key = pg.lock_key;
    let name = pg.community_name.clone();
    let conn = pg.client()?;
    let c = &mut conn.client;
    c.batch_execute(&format!(
        "BEGIN; SELECT pg_advisory_xact_lock({LOCK_CLASS}, {key}); \
         CREATE SCHEMA IF NOT EXISTS {schema}; \
         CREATE TABLE IF NOT EXISTS {schema}.cimi_migrations (\
             version bigint PRIMARY KEY, description text NOT NULL, \
             applied_at timestamptz NOT NULL DEFAULT now())"
    ))
    .map_err(classify)?;
    let version = schema_version(c, &schema)?;
    for (v, description, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > version) {
        c.batch_execute(&sql.replace("{s}", &schema))
            .map_err(classify)?;
        c.execute(
            &format!("INSERT INTO {schema}.cimi_migrations (version, description) VALUES ($1, $2)"),
            &[v, description],
        )
        .map_err(classify)?;
    }
    c.execute(
        &format!(
            "INSERT INTO {schema}.communities (name) VALUES ($1) ON CONFLICT (name) DO NOTHING"
        ),
        &[&name],
    )
    .map_err(classify)?;
    let id: i64 = c
        .query_one(
            &format!("SELECT id FROM {schema}.communities WHERE name = $1"),
            &[&name],
        )
        .map_err(classify)?
        .get(0);
    c.batch_execute("COMMIT").map_err(classify)?;
    Ok(Some(id))
}

/// The schema's version (0 for a new one); a version newer than this
/// library knows is `SchemaTooNew`.
fn schema_version(c: &mut Client, schema: &str) -> Result<i64, StoreError> {
    let version: i64 = c
        .query_one(
            &format!("SELECT coalesce(max(version), 0) FROM {schema}.cimi_migrations"),
            &[],
        )
        .map_err(classify)?
        .get(0);
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(version)
}

/// A follower's opening: the community, if the schema and it exist.
pub(super) fn find_community(pg: &mut Pg) -> Result<Option<i64>, StoreError> {
    let schema = pg.schema.clone();
    let bare = schema.trim_matches('"').to_string();
    let name = pg.community_name.clone();
    let c = &mut pg.client()?.client;
    let exists: Option<String> = c
        .query_one(
            "SELECT to_regclass($1)::text",
            &[&format!("{bare}.communities")],
        )
        .map_err(classify)?
        .get(0);
    if exists.is_none() {
        return Ok(None);
    }
    schema_version(c, &schema)?;
    Ok(c.query_opt(
        &format!("SELECT id FROM {schema}.communities WHERE name = $1"),
        &[&name],
    )
    .map_err(classify)?
    .map(|r| r.get(0)))
}
