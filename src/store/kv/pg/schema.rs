//! The PostgreSQL schema: versioned migrations (applied in order at open,
//! under an advisory lock) and the read-only views documented in README
//! "Tables people can read".

/// Versioned schema changes, applied in order at open under an advisory
/// lock (so instances starting together do not race). Never edit a shipped
/// entry: add one.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the tree registry and the id generator.
    "CREATE TABLE carousel_trees (name text PRIMARY KEY, tbl text NOT NULL UNIQUE);
     CREATE SEQUENCE carousel_ids START 1;",
    // 2: views a BI tool can read (README "Tables people can read").
    BI_VIEWS,
    // 3: who reads which mailbox (`store::leases`), as a view.
    "CREATE TABLE IF NOT EXISTS kv_leases (key bytea PRIMARY KEY, value bytea NOT NULL);
     CREATE TABLE IF NOT EXISTS kv_instances (key bytea PRIMARY KEY, value bytea NOT NULL);
     INSERT INTO carousel_trees (name, tbl) VALUES ('leases', 'kv_leases'),
       ('instances', 'kv_instances') ON CONFLICT DO NOTHING;
     CREATE VIEW leases AS
       SELECT convert_from(key, 'UTF8') AS mailbox, d->>'owner' AS owner,
              (d->>'epoch')::bigint AS epoch,
              to_timestamp((d->>'expires_at_ms')::bigint / 1000.0) AS expires_at
       FROM (SELECT key, carousel_json(value) AS d FROM kv_leases) l WHERE d IS NOT NULL;
     CREATE VIEW instances AS
       SELECT convert_from(key, 'UTF8') AS instance,
              to_timestamp((carousel_json(value)#>>'{}')::bigint / 1000.0) AS heartbeat_at
       FROM kv_instances;",
];

/// The documented read-only views over the record trees: typed columns,
/// JSON only where the shape is open (the full contact, the lead's routing
/// reasons and action). Records are stored as JSON on this backend, so
/// `carousel_json` reads them; a record it cannot read (a compact value
/// copied from an old sled store) is left out of the views, never guessed.
const BI_VIEWS: &str = "
CREATE FUNCTION carousel_json(v bytea) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN length(v) > 1 AND get_byte(v, 0) = 1
              THEN convert_from(substring(v FROM 2), 'UTF8')::jsonb END $$;
CREATE TABLE IF NOT EXISTS kv_responses (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE IF NOT EXISTS kv_contacts (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE IF NOT EXISTS kv_interactions (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE IF NOT EXISTS kv_leads (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE IF NOT EXISTS kv_opportunities (key bytea PRIMARY KEY, value bytea NOT NULL);
INSERT INTO carousel_trees (name, tbl) VALUES
  ('responses', 'kv_responses'), ('contacts', 'kv_contacts'),
  ('interactions', 'kv_interactions'), ('leads', 'kv_leads'),
  ('opportunities', 'kv_opportunities') ON CONFLICT DO NOTHING;
CREATE VIEW responses AS
  SELECT (d->>'id')::bigint AS id, d->>'kind' AS kind, d->>'mailbox' AS mailbox,
         (d->>'received_at')::timestamptz AS received_at, d->>'provider' AS provider,
         d->'contact'->>'email' AS email, d->'contact'->>'name' AS name,
         d->'contact'->>'phone' AS phone, d->'contact'->>'company' AS company,
         d->>'interest' AS interest, d->>'timeline' AS timeline, d->>'intent' AS intent,
         d->>'subject' AS subject, d->>'reply_text' AS reply_text, d->>'message' AS message_key
  FROM (SELECT carousel_json(value) AS d FROM kv_responses) r WHERE d IS NOT NULL;
CREATE VIEW contacts AS
  SELECT convert_from(key, 'UTF8') AS email, d->'contact'->>'name' AS name,
         d->'contact'->>'phone' AS phone, d->'contact'->>'company' AS company,
         d->'contact'->>'country' AS country,
         (d->>'first_seen')::timestamptz AS first_seen, (d->>'last_seen')::timestamptz AS last_seen,
         (d->>'responses')::int AS responses, (d->>'auto_replies')::int AS auto_replies,
         (d->>'soft_bounces')::int AS soft_bounces, (d->>'hard_bounced')::boolean AS hard_bounced
  FROM (SELECT key, carousel_json(value) AS d FROM kv_contacts) c WHERE d IS NOT NULL;
CREATE VIEW interactions AS
  SELECT d->>'contact' AS email, (d->>'at')::timestamptz AS at, d->>'direction' AS direction,
         d->>'kind' AS kind, d->>'subject' AS subject, d->>'summary' AS summary,
         d->>'message' AS message_key
  FROM (SELECT carousel_json(value) AS d FROM kv_interactions) i WHERE d IS NOT NULL;
CREATE VIEW leads AS
  SELECT d->>'id' AS id, (d->>'response')::bigint AS response_id,
         d->'lead'->'contact'->>'email' AS email, d->'lead'->'contact'->>'name' AS name,
         d->'lead'->'contact'->>'phone' AS phone, d->'lead'->'contact'->>'company' AS company,
         d->'lead'->>'interest' AS interest, d->'lead'->>'timeline' AS timeline,
         d->'lead'->>'rank' AS rank, (d->'lead'->>'points')::int AS points,
         d->'lead'->>'status' AS status, d->'lead'->'ownership'->>'rep' AS owner,
         d->>'assigned' AS assigned, (d->>'created_at')::timestamptz AS created_at,
         (d->'speed'->>'notification_accepted')::timestamptz AS notified_at,
         d->'action' AS action, d->'reasons' AS reasons
  FROM (SELECT carousel_json(value) AS d FROM kv_leads) l WHERE d IS NOT NULL;
CREATE VIEW opportunities AS
  SELECT convert_from(key, 'UTF8') AS lead_id, d->>'owner' AS owner,
         (d->'revenue'->>'minor_units')::bigint AS revenue_minor_units,
         d->'revenue'->>'currency' AS currency, d->>'stage' AS stage,
         (d->>'win_probability')::int AS win_probability,
         (d->>'expected_close')::date AS expected_close, d->>'outcome' AS outcome,
         (d->>'closed_at')::timestamptz AS closed_at
  FROM (SELECT key, carousel_json(value) AS d FROM kv_opportunities) o WHERE d IS NOT NULL;
";
