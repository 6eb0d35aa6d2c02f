-- Recording of calls (docs/compliance.md): each skill group's policy, each call's recording
-- state, HD snapshot requests and the agent browser's chunked client recordings.

-- off | on (recorded when possible) | mandatory (no media between the parties unless recording
-- runs). dual_recording (雙錄) implies mandatory and adds the visitor's notice and the script.
alter table skill_groups add column recording_mode text not null default 'off'
  check (recording_mode in ('off', 'on', 'mandatory'));
alter table skill_groups add column dual_recording boolean not null default false;
-- The agent's script in a dual-recording call: an array of step texts.
alter table skill_groups add column recording_script jsonb not null default '[]'::jsonb
  check (jsonb_typeof(recording_script) = 'array');
alter table skill_groups add column visitor_local_recording boolean not null default false;

-- The policy as it was when the call started (later policy edits do not change a live call),
-- the server-side recording state and where the media node writes the raw files.
alter table calls add column recording_policy jsonb;
alter table calls add column recording_state text not null default 'off'
  check (recording_state in ('off', 'starting', 'running', 'failed'));
alter table calls add column recording_dir text;
-- When recording was confirmed running (the media files grew): start of the recording's clock.
alter table calls add column recording_started_at timestamptz;
-- When the visitor acknowledged the recording notice (dual-recording calls).
alter table calls add column notice_acknowledged_at timestamptz;
-- Post-processing of the raw files into the composite and per-party files, claimed by one node
-- at a time (running + started_at; a claim older than an hour is taken over).
alter table calls add column postprocess_state text
  check (postprocess_state is null or postprocess_state in ('pending', 'running', 'done', 'failed'));
alter table calls add column postprocess_started_at timestamptz;
alter table calls add column postprocess_error text;
create index calls_postprocess_due on calls (ended_at) where postprocess_state in ('pending', 'running');

-- An agent's request for an HD snapshot; the visitor's upload must name an open one.
create table snapshot_requests (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  call_id uuid not null references calls(id),
  requested_by uuid not null references agents(id),
  requested_at timestamptz not null,
  expires_at timestamptz not null,
  recording_id uuid references recordings(id)
);
create index snapshot_requests_call on snapshot_requests (call_id, requested_at);
