-- The agent account lifecycle (issue 10): accounts can be deactivated, carry an optional TOTP
-- second factor, and get their password through one-time links (invite, reset). An empty
-- password_hash means "no password set yet": nothing verifies against it.
alter table agents add column active boolean not null default true;
alter table agents add column totp_secret text;
alter table agents add column totp_pending_secret text;
-- The last accepted 30-second step: a code is never accepted twice, not even within its window.
alter table agents add column totp_last_step bigint;
alter table agents add column totp_failures int not null default 0;
alter table agents add column totp_locked_until timestamptz;

-- Idle timeout on top of the absolute lifetime; what the owner sees in "Sessions".
alter table agent_sessions add column last_used_at timestamptz not null default now();
alter table agent_sessions add column user_agent text;
alter table agent_sessions add column ip text;
create index agent_sessions_agent on agent_sessions (agent_id);

-- One-time password links. Only the SHA-256 of the token is stored; a link is used once.
create table account_tokens (
  id uuid primary key,
  token_hash text not null unique,
  org_id uuid not null references orgs(id),
  agent_id uuid not null references agents(id) on delete cascade,
  purpose text not null check (purpose in ('invite', 'reset')),
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index account_tokens_agent on account_tokens (agent_id);
