-- Uploads (issue 10): quotas, the orphan sweep and retention for chat attachments.

-- attached_at: set when a message first references the file. A file never attached within the
-- orphan window is removed (file and row). Attached files fall under retention: the file is
-- deleted and the row kept, marked, so links and the timeline can say "expired".
alter table blobs add column attached_at timestamptz;
alter table blobs add column deleted_at timestamptz;
alter table blobs add column deleted_reason text check (deleted_reason is null or deleted_reason in ('retention'));
update blobs set attached_at = created_at
  where id::text in (
    select payload->'attachment'->>'blobId' from conversation_events
    where type = 'message' and payload->'attachment'->>'blobId' is not null
  );
create index blobs_orphans on blobs (created_at) where attached_at is null;
create index blobs_attachments_due on blobs (created_at) where attached_at is not null and deleted_at is null;

-- Retention of attachments in days: the skill group's, else the organisation's, else the
-- server's ATTACHMENT_RETENTION_DAYS.
alter table skill_groups add column attachment_retention_days int
  check (attachment_retention_days is null or attachment_retention_days between 1 and 36500);
alter table orgs add column attachment_retention_days int
  check (attachment_retention_days is null or attachment_retention_days between 1 and 36500);

-- Upload quotas: counters per fixed window (an hour per uploader, a day per organisation).
-- Counted here rather than from `blobs`, because removing orphans must not give quota back.
create table upload_usage (
  scope text not null check (scope in ('uploader', 'org')),
  scope_id uuid not null,
  window_start timestamptz not null,
  uploads int not null default 0,
  bytes bigint not null default 0,
  primary key (scope, scope_id, window_start)
);
create index upload_usage_window on upload_usage (window_start);
