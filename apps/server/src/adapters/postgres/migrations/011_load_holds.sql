-- Agent load gets one owner: a hold per thing that occupies an agent (a ringing offer, an assigned
-- conversation, a call's extra weight). agents.load stays as the sum of the agent's holds, kept
-- in the same statement as each hold change by routing's Capacity, so the conditional "room
-- left" check stays one row update.
create table load_holds (
  id bigserial primary key,
  org_id uuid not null,
  agent_id uuid not null references agents(id) on delete cascade,
  conversation_id uuid not null,
  call_id uuid,
  kind text not null check (kind in ('offer', 'conversation', 'call')),
  weight int not null check (weight > 0),
  created_at timestamptz not null default now()
);
-- One hold of a kind per conversation (per call for call holds).
create unique index load_holds_one on load_holds (conversation_id, kind, coalesce(call_id, '00000000-0000-0000-0000-000000000000'::uuid));
create index load_holds_agent on load_holds (agent_id);

insert into load_holds (org_id, agent_id, conversation_id, kind, weight)
  select org_id, agent_id, id, 'conversation', load_weight from conversations
  where status = 'assigned' and agent_id is not null and load_weight > 0;
insert into load_holds (org_id, agent_id, conversation_id, kind, weight)
  select org_id, agent_id, conversation_id, 'offer', weight from offers where status = 'ringing';
insert into load_holds (org_id, agent_id, conversation_id, call_id, kind, weight)
  select org_id, agent_id, conversation_id, id, 'call', extra_weight from calls
  where status = 'active' and agent_id is not null and extra_weight > 0;
update agents a set load = coalesce((select sum(h.weight) from load_holds h where h.agent_id = a.id), 0);

alter table conversations drop column load_weight;
alter table calls drop column extra_weight;
