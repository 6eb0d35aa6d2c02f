-- ACD routing: skill groups, per-organisation policy, offers with ring timeout, and a log that
-- lets anyone replay every agent's load over time.

-- Agents: a 'busy' state, load in weighted units (a call counts more than a chat), wrap-up time,
-- consecutive missed offers, and whether offers are accepted automatically.
alter table agents drop constraint agents_presence_check;
alter table agents add constraint agents_presence_check check (presence in ('online', 'away', 'busy', 'offline'));
alter table agents rename column active_count to load;
alter table agents add constraint agents_load_within_capacity check (load <= capacity);
alter table agents add column wrap_up_until timestamptz;
alter table agents add column missed_offers int not null default 0;
alter table agents add column auto_accept boolean not null default true;

alter table visitors add column vip boolean not null default false;
alter table visitors add column tags jsonb not null default '[]';
alter table visitors add column attributes jsonb not null default '{}';

alter table conversations add column channel text not null default 'web';
alter table conversations add column media text not null default 'chat' check (media in ('chat', 'audio', 'video'));
alter table conversations add column entry_point text;
alter table conversations add column group_id uuid;
alter table conversations add column designated_agent_id uuid;
alter table conversations add column vip boolean not null default false;
-- Units of the assigned agent's capacity this conversation holds (0 when none).
alter table conversations add column load_weight int not null default 0;
alter table conversations add column recheck_at timestamptz;
create index conversations_queue on conversations (org_id, vip desc, queued_at) where status = 'queued';

create table skill_groups (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  name text not null,
  hours jsonb,
  overflow_after_ms int check (overflow_after_ms is null or overflow_after_ms > 0),
  overflow_group_id uuid references skill_groups(id) on delete set null,
  created_at timestamptz not null default now(),
  unique (org_id, name)
);

create table skill_group_members (
  org_id uuid not null references orgs(id),
  group_id uuid not null references skill_groups(id) on delete cascade,
  agent_id uuid not null references agents(id) on delete cascade,
  primary key (group_id, agent_id)
);
create index skill_group_members_agent on skill_group_members (agent_id);

-- One routing configuration per organisation (policy chain, ring timeout, wrap-up, ...), and
-- optionally one per entry point that overrides it.
create table routing_configs (
  org_id uuid not null references orgs(id),
  entry_point text not null default '',
  config jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (org_id, entry_point)
);

-- An offer reserves the agent's capacity while it rings; at most one rings per conversation.
create table offers (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  conversation_id uuid not null references conversations(id),
  agent_id uuid not null references agents(id),
  weight int not null check (weight > 0),
  status text not null check (status in ('ringing', 'accepted', 'declined', 'timeout', 'cancelled')),
  decision jsonb,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  decided_at timestamptz
);
create unique index offers_one_ringing on offers (conversation_id) where status = 'ringing';
create index offers_conversation on offers (conversation_id, created_at);
create index offers_agent_ringing on offers (agent_id) where status = 'ringing';

-- Append-only: every change of an agent's load, written in the transaction that made it while
-- the agent's row is locked, so per agent the ids are in commit order and replayable.
create table routing_log (
  id bigserial primary key,
  org_id uuid not null references orgs(id),
  conversation_id uuid references conversations(id),
  agent_id uuid references agents(id),
  kind text not null,
  delta int not null default 0,
  load_after int,
  capacity int,
  detail jsonb,
  at timestamptz not null default now()
);
create index routing_log_conversation on routing_log (conversation_id);

-- Messages left outside business hours (or when no group serves the visitor).
create table offline_messages (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  visitor_id uuid not null references visitors(id),
  group_id uuid references skill_groups(id) on delete set null,
  name text,
  contact text,
  text text not null,
  page_url text,
  status text not null default 'open' check (status in ('open', 'done')),
  created_at timestamptz not null default now(),
  handled_by uuid references agents(id),
  handled_at timestamptz
);
create index offline_messages_org on offline_messages (org_id, status, created_at);
