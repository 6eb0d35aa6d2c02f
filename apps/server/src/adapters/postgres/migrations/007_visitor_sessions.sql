-- Visitor sessions (docs/architecture.md §4): short-lived access tokens name a session; a
-- refresh token (only its SHA-256 stored) renews them and is rotated on every use. A refresh
-- token used twice (stolen and replayed, or replayed by the thief after the owner refreshed)
-- revokes the whole session.
create table visitor_sessions (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  visitor_id uuid not null references visitors(id) on delete cascade,
  identified boolean not null,
  created_at timestamptz not null,
  last_used_at timestamptz not null,
  revoked_at timestamptz,
  -- why: replaced (the browser started another session), reuse (a refresh token came back), admin, idle
  revoked_reason text
);
create index visitor_sessions_visitor on visitor_sessions (visitor_id);
create index visitor_sessions_revoked on visitor_sessions (revoked_at) where revoked_at is not null;

-- Every refresh token ever issued for a session, so a second use is recognised as reuse.
create table visitor_refresh_tokens (
  token_hash text primary key,
  session_id uuid not null references visitor_sessions(id) on delete cascade,
  issued_at timestamptz not null,
  used_at timestamptz
);
create index visitor_refresh_tokens_session on visitor_refresh_tokens (session_id);

-- Identity secret rotation: the previous secret still verifies identities until the time shown
-- to the admin, so the business can deploy the new one without a gap.
alter table orgs add column identity_secret_previous text;
alter table orgs add column identity_secret_previous_until timestamptz;
-- Sites (origins) allowed to frame the widget's /w/ page, besides the server's own origin.
alter table orgs add column allowed_origins jsonb not null default '[]';
