-- Compliance (docs/compliance.md): a hash-chained, append-only audit log; the catalog of call
-- recordings and snapshots; script marks; signed evidence packages; retention per skill group.
-- Note for editors: migrate.ts splits statements at semicolons that end a line, so procedural
-- bodies below are written on one line.

-- The head of each organisation's audit chain. An append locks this row first, so appends of
-- one organisation take turns (on every node) and the chain can never fork; its seq/hash also
-- reveal a chain whose newest entries were cut off.
create table audit_heads (
  org_id uuid primary key references orgs(id),
  seq bigint not null,
  hash text not null
);

create table audit_log (
  org_id uuid not null references orgs(id),
  seq bigint not null check (seq > 0),
  at timestamptz not null,
  actor_kind text not null check (actor_kind in ('agent', 'visitor', 'system')),
  actor_id text,
  action text not null,
  target_type text,
  target_id text,
  details jsonb not null,
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  primary key (org_id, seq)
);
create index audit_log_target on audit_log (org_id, target_type, target_id);

-- Append-only at the database level too: the application never updates or deletes entries, and
-- this refuses anyone else who tries through SQL. (A table owner can still disable triggers; the
-- hash chain is what makes such an edit detectable.)
create function audit_log_append_only() returns trigger language plpgsql as $$ begin raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'P0001'; end $$;
create trigger audit_log_no_update_delete before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();

-- Recordings of calls and snapshots taken during them. The media stays in the BlobStore under
-- storage_key; size and sha256 are measured while it is stored. Rows outlive their media: the
-- retention job deletes the blob and marks the row (deleted_at, deleted_reason).
create table recordings (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  call_id uuid not null references calls(id),
  conversation_id uuid not null references conversations(id),
  kind text not null check (kind in ('composite', 'participant', 'client', 'snapshot')),
  -- Whose media (participant and client recordings, snapshots); null for a composite.
  party text check (party in ('agent', 'visitor')),
  storage_key text not null unique,
  mime text not null,
  size bigint not null check (size >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  duration_ms bigint check (duration_ms is null or duration_ms >= 0),
  started_at timestamptz,
  created_at timestamptz not null default now(),
  retention_until timestamptz not null,
  deleted_at timestamptz,
  deleted_reason text,
  check ((deleted_at is null) = (deleted_reason is null))
);
create index recordings_call on recordings (call_id, created_at);
create index recordings_conversation on recordings (conversation_id, created_at);
create index recordings_due on recordings (retention_until) where deleted_at is null;

-- Marks set during a call (script steps read out, consent given, ...), milliseconds from its start.
create table call_marks (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  call_id uuid not null references calls(id),
  at_ms bigint not null check (at_ms >= 0),
  label text not null check (length(label) between 1 and 200),
  created_by uuid references agents(id),
  created_at timestamptz not null default now()
);
create index call_marks_call on call_marks (call_id, at_ms);

-- Signed evidence packages (tar files in the BlobStore); they hold media, so retention applies.
create table evidence_packages (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  call_id uuid not null references calls(id),
  storage_key text not null unique,
  size bigint not null,
  sha256 text not null,
  manifest_sha256 text not null,
  key_id text not null,
  created_by uuid references agents(id),
  created_at timestamptz not null default now(),
  retention_until timestamptz not null,
  deleted_at timestamptz,
  deleted_reason text
);
create index evidence_packages_call on evidence_packages (call_id, created_at);
create index evidence_packages_due on evidence_packages (retention_until) where deleted_at is null;

-- Days recordings of a group's conversations are kept; null = the server's RECORDING_RETENTION_DAYS.
alter table skill_groups add column recording_retention_days int
  check (recording_retention_days is null or recording_retention_days between 1 and 36500);
