-- Commands (requests and timers: call.end, routing.recheck at a time) move out of the outbox,
-- which from now on holds only domain events (entity.past_tense, the DomainEvent envelope).
create table commands (
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
create index commands_pending on commands (available_at) where dispatched_at is null;

-- Undelivered rows of the old mixed outbox: commands keep their topic; the two routing triggers
-- become a drain of their organisation (what they did); delivered rows stay as history.
insert into commands (org_id, topic, payload, created_at, available_at, attempts, last_error)
  select org_id, topic, payload, created_at, available_at, attempts, last_error from outbox
  where dispatched_at is null
    and topic in ('routing.drain', 'routing.offer_timeout', 'routing.recheck', 'call.ring_timeout', 'call.end', 'client_recording.finish');
insert into commands (org_id, topic, payload, created_at, available_at)
  select org_id, 'routing.drain', jsonb_build_object('orgId', payload->>'orgId'), created_at, available_at from outbox
  where dispatched_at is null and topic in ('routing.conversation_queued', 'routing.agent_available');
delete from outbox where dispatched_at is null;
