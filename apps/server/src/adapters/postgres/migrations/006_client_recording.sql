-- Client-side recording (docs/compliance.md): the agent's browser records the call and uploads it
-- in chunks while the call runs; finishing joins the chunks into one catalogued recording.

-- One upload per call and party. state: open (chunks arrive) -> finishing (one node joins the
-- chunks, under a lease) -> finished (recording_id set). A finisher that crashed leaves
-- `finishing` with an expired lease, which the next finisher takes over.
create table client_recording_uploads (
  call_id uuid not null references calls(id),
  party text not null check (party in ('agent', 'visitor')),
  org_id uuid not null references orgs(id),
  -- As the first chunk declared it (MediaRecorder's mimeType, parameters allowed).
  mime text not null,
  state text not null default 'open' check (state in ('open', 'finishing', 'finished')),
  lease_until timestamptz,
  chunk_count int not null default 0,
  total_bytes bigint not null default 0,
  created_at timestamptz not null,
  last_chunk_at timestamptz not null,
  finished_at timestamptz,
  -- Who finished it: the agent (explicit finish) or the system (abandoned upload).
  finished_by text check (finished_by in ('agent', 'system')),
  recording_id uuid references recordings(id),
  primary key (call_id, party)
);

-- One row per uploaded chunk. The row stays after finishing (storage_key null once the chunk blob
-- is deleted), so a late resend of the same bytes is still recognised as a duplicate.
create table client_recording_chunks (
  call_id uuid not null,
  party text not null,
  seq int not null check (seq >= 0),
  storage_key text unique,
  size bigint not null check (size >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null,
  primary key (call_id, party, seq),
  foreign key (call_id, party) references client_recording_uploads (call_id, party)
);
