-- Every row carries org_id so one deployment can host several organisations.
create table orgs (
  id uuid primary key,
  name text not null,
  site_key text not null unique,
  identity_secret text not null,
  created_at timestamptz not null default now()
);

create table settings (
  key text primary key,
  value text not null
);

create table agents (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  email text not null unique,
  name text not null,
  role text not null check (role in ('admin', 'supervisor', 'agent')),
  password_hash text not null,
  presence text not null default 'offline' check (presence in ('online', 'away', 'offline')),
  capacity int not null default 5 check (capacity > 0),
  active_count int not null default 0 check (active_count >= 0),
  last_assigned_at timestamptz,
  created_at timestamptz not null default now()
);
create index agents_org on agents (org_id);

create table agent_sessions (
  id uuid primary key,
  token_hash text not null unique,
  agent_id uuid not null references agents(id) on delete cascade,
  org_id uuid not null references orgs(id),
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);

create table visitors (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  external_id text,
  name text,
  email text,
  page_url text,
  user_agent text,
  language text,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  unique (org_id, external_id)
);

create table conversations (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  visitor_id uuid not null references visitors(id),
  agent_id uuid references agents(id),
  status text not null check (status in ('open', 'queued', 'assigned', 'closed')),
  last_seq int not null default 0,
  page_url text,
  language text,
  created_at timestamptz not null default now(),
  queued_at timestamptz,
  assigned_at timestamptz,
  closed_at timestamptz,
  closed_by text check (closed_by in ('agent', 'visitor', 'inactivity')),
  last_activity_at timestamptz not null default now(),
  last_message_text text,
  last_message_at timestamptz,
  last_visitor_message_at timestamptz,
  visitor_read_seq int not null default 0,
  agent_read_seq int not null default 0,
  visitor_delivered_seq int not null default 0,
  agent_delivered_seq int not null default 0,
  csat_score int check (csat_score between 1 and 5),
  csat_comment text,
  routing jsonb
);
create index conversations_org_status on conversations (org_id, status, created_at);
create index conversations_agent_status on conversations (agent_id, status);
create index conversations_visitor on conversations (visitor_id, created_at);

create table conversation_events (
  org_id uuid not null references orgs(id),
  conversation_id uuid not null references conversations(id),
  seq int not null,
  type text not null,
  author_kind text,
  client_msg_id text,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  primary key (conversation_id, seq)
);
-- A client message id is stored once per conversation and author side: resends are no-ops.
create unique index conversation_events_idempotency
  on conversation_events (conversation_id, author_kind, client_msg_id)
  where client_msg_id is not null;

create table blobs (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  conversation_id uuid not null references conversations(id),
  uploader_kind text not null check (uploader_kind in ('visitor', 'agent')),
  uploader_id uuid not null,
  name text not null,
  mime text not null,
  size int not null,
  sha256 text not null,
  storage_key text not null,
  created_at timestamptz not null default now()
);

-- Side effects (routing triggers now, webhooks later) are written in the same transaction as
-- the change that causes them and dispatched afterwards, at least once.
create table outbox (
  id bigserial primary key,
  org_id uuid,
  topic text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  available_at timestamptz not null default now(),
  attempts int not null default 0,
  dispatched_at timestamptz,
  last_error text
);
create index outbox_pending on outbox (available_at) where dispatched_at is null;
