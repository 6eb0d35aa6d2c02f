-- Audio/video calls escalated from a conversation. At most one live call per conversation.
create table calls (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  conversation_id uuid not null references conversations(id),
  media text not null check (media in ('video', 'audio')),
  profile text not null check (profile in ('360p', '720p', '1080p')),
  status text not null check (status in ('ringing', 'active', 'ended')),
  started_by text not null check (started_by in ('visitor', 'agent')),
  agent_id uuid references agents(id),
  -- Where the media lives: the media node (of the pool) and its room id.
  media_node text,
  media_room text,
  -- Each party's published feed on that room, so the other party (on any server node) can subscribe.
  visitor_feed text,
  agent_feed text,
  -- Extra capacity units the agent holds while the call is live (video weight - chat weight).
  extra_weight int not null default 0,
  created_at timestamptz not null default now(),
  ring_expires_at timestamptz not null,
  answered_at timestamptz,
  ended_at timestamptz,
  ended_by text check (ended_by in ('visitor', 'agent', 'system')),
  end_reason text
);
create unique index calls_one_live on calls (conversation_id) where status <> 'ended';
create index calls_org_status on calls (org_id, status);
