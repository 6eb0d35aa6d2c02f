import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AccountView, PasswordLink, PasswordLinkInfo, SessionView, TotpEnrolment } from './accounts.js';
import {
  AccountsAnswer, InvitedAgentAnswer, PasswordSetAnswer, PresenceAnswer, SessionsAnswer, SessionsEndedAnswer, SignedInAgent, TotpStatus,
} from './accounts-answers.js';
import {
  AttachmentRetention, AttachmentRetentionRunAnswer, ConversationDetails, ConversationsAnswer, EventsAnswer, UploadAnswer,
} from './conversation-answers.js';
import { HealthAnswer, ReadinessAnswer } from './health-answers.js';
import type { AgentProfile, ConversationSummary, SequencedEvent, VisitorProfile } from './model.js';
import { CallMark, RecordingView, SignedUrl } from './recording.js';
import type { OfferView, OfflineMessage, RoutingConfig, SkillGroup } from './routing.js';
import {
  AgentDirectoryAnswer, ConversationRouting, CreatedAgentAnswer, OfferAcceptAnswer, OffersAnswer, OfflineMessageLeft, OfflineMessagesAnswer,
  RoutingConfigAnswer, RoutingExplanation, SkillGroupAnswer, SkillGroupsAnswer, SupervisorAgentsAnswer, SupervisorQueueAnswer,
  VisitorRoutingFactsView, type AgentStateView, type QueueEntryView, type RoutingLogEntry,
} from './routing-answers.js';
import {
  AuditEntriesAnswer, AuditVerifyAnswer, ClientRecordingChunkAnswer, ClientRecordingFinishAnswer, CompliancePublicKey, EvidenceExport,
  MarkAnswer, MarksAnswer, RecordingPolicies, RecordingPolicyAnswer, RecordingRetention, RecordingRetentionRunAnswer, RecordingsAnswer,
  SnapshotAnswer,
} from './recording-answers.js';
import {
  IdentitySecretAnswer, RotatedSecretAnswer, SiteSettings, VisitorSessionResponse, VisitorSessionsRevokedAnswer, VisitorSiteAnswer,
} from './site-answers.js';

// Representative answers, written as the server sends them (camelCase, ISO times, null for "none").
const at = '2026-01-02T03:04:05.000Z';
const uuid = '6f1c2a4e-9b7d-4c3e-8a21-0d5e6f7a8b9c';

const agent: AgentProfile = { id: uuid, email: 'ana@example.com', name: 'Ana', role: 'agent', presence: 'online', capacity: 5 };
const session: SessionView = { id: uuid, createdAt: at, lastUsedAt: at, expiresAt: at, userAgent: null, ip: '127.0.0.1', current: true };
const account: AccountView = {
  id: uuid, email: 'ana@example.com', name: 'Ana', role: 'agent', presence: 'offline', active: true, passwordSet: false, totpEnabled: false, sessions: 0,
};
const link: PasswordLink = { link: 'https://visavis.example/app/#/set-password?token=abc', expiresAt: at };
const summary: ConversationSummary = {
  id: uuid, status: 'assigned', visitorId: uuid, visitorName: null, agentId: uuid, agentName: 'Ana', lastSeq: 3, createdAt: at,
  assignedAt: at, closedAt: null, lastMessageText: 'hello', lastMessageAt: at, unread: 1, csatScore: null,
};
const visitor: VisitorProfile = {
  id: uuid, externalId: null, name: null, email: null, identified: false, pageUrl: 'https://shop.example/', userAgent: null, language: 'en',
  firstSeenAt: at, lastSeenAt: at,
};
const event: SequencedEvent = {
  conversationId: uuid, seq: 1, at,
  event: { type: 'message', messageId: uuid, clientMsgId: null, author: { kind: 'visitor', id: uuid, name: null }, kind: 'text', text: 'hi', attachment: null },
};
const settings: SiteSettings = {
  siteKey: 'site-1', allowedOrigins: ['https://shop.example'], serverOrigin: null, identitySecretMasked: 'abcd••••••••••••wxyz', previousSecretValidUntil: null,
};
const recording: RecordingView = {
  id: uuid, callId: uuid, conversationId: uuid, kind: 'composite', party: null, mime: 'video/webm', size: 1024, sha256: 'a'.repeat(64),
  durationMs: 61_000, startedAt: at, createdAt: at, retentionUntil: at, deletedAt: null, deletedReason: null,
};
const mark: CallMark = { id: uuid, atMs: 1500, label: 'Step 1', createdBy: uuid, createdAt: at };
const policy = { mode: 'mandatory' as const, dual: true, script: ['Read the notice'], visitorLocal: false };
const offered: RoutingExplanation = {
  kind: 'offer', agentId: uuid, strategy: 'least-loaded', groupId: uuid,
  reasons: [{ step: 'skill-rules', note: 'rule r1 matched' }, { step: 'least-loaded', note: 'lowest load 0/5' }],
  candidates: [{ agentId: uuid, kept: true, why: 'online, 0/5' }],
};
const queued: RoutingExplanation = {
  kind: 'queue', groupId: uuid, recheckAt: 1_767_323_045_000, closed: true, reasons: [{ step: 'hours', note: 'Night is closed' }], candidates: [],
};
const logEntry: RoutingLogEntry = { kind: 'assign', agentId: uuid, delta: 0, loadAfter: null, capacity: null, detail: { auto: true }, at };
const waiting: QueueEntryView = {
  conversationId: uuid, visitorId: uuid, visitorName: null, groupId: uuid, vip: false, media: 'chat', entryPoint: 'help', pageUrl: null,
  ringing: false, waitingMs: 12_000, position: 1, etaSeconds: null, routing: queued,
};
const agentState: AgentStateView = {
  id: uuid, name: 'Ana', email: 'ana@example.com', role: 'agent', presence: 'online', capacity: 5, load: 1, autoAccept: true,
  wrapUpUntil: null, missedOffers: 0, groupIds: [uuid], activeConversations: 1,
};
const offer: OfferView = {
  id: uuid, conversationId: uuid, visitorId: uuid, visitorName: null, pageUrl: null, vip: true, media: 'video', groupName: 'Sales',
  reason: 'least-loaded: lowest load 0/5', createdAt: at, expiresAt: at,
};
const offlineMessage: OfflineMessage = {
  id: uuid, visitorId: uuid, visitorName: null, groupId: null, name: 'Zhang', contact: 'zhang@example.com', text: 'Call me back',
  pageUrl: null, status: 'open', createdAt: at, handledBy: null,
};
const group: SkillGroup = {
  id: uuid, name: 'Night', hours: { timeZone: 'Asia/Shanghai', weekly: [{ day: 1, startMinute: 540, endMinute: 1080 }], holidays: ['2026-10-01'] },
  overflowAfterMs: 60_000, overflowGroupId: null, memberIds: [uuid],
};
const routingConfig: RoutingConfig = {
  policy: {
    chain: [{ kind: 'skill-rules', rules: [{ id: 'r1', when: [{ field: 'entryPoint', oneOf: ['help'] }], groupId: uuid }], defaultGroupId: null }, { kind: 'least-loaded' }],
    weights: { chat: 1, audio: 3, video: 3 },
    refusalCooldownMs: 300_000,
  },
  ringTimeoutMs: 20_000, maxMissedOffers: 3, wrapUpMs: 0,
};

interface Case {
  name: string;
  schema: z.ZodType;
  answer: unknown;
  /** The same answer broken the way a drift would break it (a field renamed, retyped or dropped). */
  malformed: unknown;
}

const cases: Case[] = [
  // Sign-in and accounts
  { name: 'SignedInAgent', schema: SignedInAgent, answer: { agent, org: { id: uuid, name: 'Acme' } } satisfies SignedInAgent, malformed: { agent } },
  { name: 'PresenceAnswer', schema: PresenceAnswer, answer: { agent } satisfies PresenceAnswer, malformed: { agent: { ...agent, presence: 'asleep' } } },
  {
    name: 'PasswordLinkInfo', schema: PasswordLinkInfo,
    answer: { email: 'ana@example.com', name: 'Ana', orgName: 'Acme', purpose: 'invite', expiresAt: at } satisfies PasswordLinkInfo,
    malformed: { email: 'ana@example.com', name: 'Ana', orgName: 'Acme', purpose: 'welcome', expiresAt: at },
  },
  { name: 'PasswordSetAnswer', schema: PasswordSetAnswer, answer: { email: 'ana@example.com' } satisfies PasswordSetAnswer, malformed: { mail: 'ana@example.com' } },
  { name: 'SessionsAnswer', schema: SessionsAnswer, answer: { sessions: [session] } satisfies SessionsAnswer, malformed: { sessions: [{ ...session, current: 'yes' }] } },
  { name: 'TotpStatus', schema: TotpStatus, answer: { available: true, enabled: false } satisfies TotpStatus, malformed: { available: true } },
  { name: 'TotpEnrolment', schema: TotpEnrolment, answer: { secret: 'JBSWY3DP', uri: 'otpauth://totp/x' } satisfies TotpEnrolment, malformed: { secret: 'JBSWY3DP' } },
  { name: 'AccountsAnswer', schema: AccountsAnswer, answer: { accounts: [account] } satisfies AccountsAnswer, malformed: { accounts: [{ ...account, sessions: '0' }] } },
  { name: 'InvitedAgentAnswer', schema: InvitedAgentAnswer, answer: { agent: account, link } satisfies InvitedAgentAnswer, malformed: { agent: account, url: link.link } },
  { name: 'PasswordLink', schema: PasswordLink, answer: link, malformed: { link: link.link } },
  { name: 'SessionsEndedAnswer', schema: SessionsEndedAnswer, answer: { ended: 2 } satisfies SessionsEndedAnswer, malformed: { ended: -1 } },
  // Visitor sessions and site settings
  {
    name: 'VisitorSessionResponse', schema: VisitorSessionResponse,
    answer: { visitorToken: 't', expiresAt: at, refreshToken: 'r', visitorId: uuid, identified: false, orgName: 'Acme' } satisfies VisitorSessionResponse,
    malformed: { visitorToken: 't', expiresAt: at, visitorId: uuid, identified: false, orgName: 'Acme' },
  },
  { name: 'VisitorSiteAnswer', schema: VisitorSiteAnswer, answer: { allowedOrigins: ['https://shop.example'] } satisfies VisitorSiteAnswer, malformed: { allowedOrigins: 'https://shop.example' } },
  { name: 'SiteSettings', schema: SiteSettings, answer: settings, malformed: { ...settings, serverOrigin: undefined } },
  { name: 'IdentitySecretAnswer', schema: IdentitySecretAnswer, answer: { identitySecret: 'f'.repeat(64) } satisfies IdentitySecretAnswer, malformed: { secret: 'f'.repeat(64) } },
  { name: 'RotatedSecretAnswer', schema: RotatedSecretAnswer, answer: { identitySecret: 'f'.repeat(64), settings } satisfies RotatedSecretAnswer, malformed: { identitySecret: 'f'.repeat(64) } },
  { name: 'VisitorSessionsRevokedAnswer', schema: VisitorSessionsRevokedAnswer, answer: { revoked: 1 } satisfies VisitorSessionsRevokedAnswer, malformed: { revoked: '1' } },
  // Conversations, timeline, uploads
  { name: 'ConversationsAnswer', schema: ConversationsAnswer, answer: { conversations: [summary] } satisfies ConversationsAnswer, malformed: { conversations: [{ ...summary, status: 'gone' }] } },
  {
    name: 'ConversationDetails', schema: ConversationDetails,
    answer: { conversation: summary, visitor, pastConversations: [] } satisfies ConversationDetails,
    malformed: { visitor, pastConversations: [] },
  },
  { name: 'EventsAnswer', schema: EventsAnswer, answer: { events: [event] } satisfies EventsAnswer, malformed: { events: [{ ...event, seq: -1 }] } },
  {
    name: 'UploadAnswer', schema: UploadAnswer,
    answer: { attachment: { blobId: uuid, name: 'a.png', mime: 'image/png', size: 10, url: '/api/blobs/x?exp=1&sig=s' } } satisfies UploadAnswer,
    malformed: { attachment: { blobId: uuid, name: 'a.png', mime: 'image/png' } },
  },
  {
    name: 'AttachmentRetention', schema: AttachmentRetention,
    answer: { defaultDays: 180, orgDays: null, groups: [{ id: uuid, name: 'Sales', days: 30 }] } satisfies AttachmentRetention,
    malformed: { defaultDays: 180, groups: [] },
  },
  { name: 'AttachmentRetentionRunAnswer', schema: AttachmentRetentionRunAnswer, answer: { result: { orphans: 1, expired: 0 } } satisfies AttachmentRetentionRunAnswer, malformed: { orphans: 1, expired: 0 } },
  // Recordings, evidence, audit, retention, client recording, snapshots
  { name: 'RecordingsAnswer', schema: RecordingsAnswer, answer: { recordings: [recording] } satisfies RecordingsAnswer, malformed: { recordings: [{ ...recording, kind: 'screen' }] } },
  { name: 'SignedUrl', schema: SignedUrl, answer: { url: '/api/recordings/x/media?exp=1&sig=s&mode=play', expiresAt: at } satisfies SignedUrl, malformed: { href: '/x', expiresAt: at } },
  { name: 'MarksAnswer', schema: MarksAnswer, answer: { marks: [mark] } satisfies MarksAnswer, malformed: { marks: [{ ...mark, at_ms: 1500, atMs: undefined }] } },
  { name: 'MarkAnswer', schema: MarkAnswer, answer: { mark } satisfies MarkAnswer, malformed: { mark: { ...mark, label: 7 } } },
  {
    name: 'CompliancePublicKey', schema: CompliancePublicKey,
    answer: { algorithm: 'Ed25519', keyId: 'k1', fingerprint: 'SHA256:abc', publicKeyPem: '-----BEGIN PUBLIC KEY-----' } satisfies CompliancePublicKey,
    malformed: { algorithm: 'RSA', keyId: 'k1', fingerprint: 'SHA256:abc', publicKeyPem: '-----BEGIN PUBLIC KEY-----' },
  },
  {
    name: 'EvidenceExport', schema: EvidenceExport,
    answer: {
      package: { id: uuid, callId: uuid, size: 2048, sha256: 'b'.repeat(64), manifestSha256: 'c'.repeat(64), keyId: 'k1', createdAt: at, retentionUntil: at },
      url: '/api/evidence/x/download?exp=1&sig=s', expiresAt: at,
    } satisfies EvidenceExport,
    malformed: { package: { id: uuid, callId: uuid }, url: '/x', expiresAt: at },
  },
  {
    name: 'AuditEntriesAnswer', schema: AuditEntriesAnswer,
    answer: {
      entries: [{
        orgId: uuid, seq: 1, at, actor: { kind: 'agent', id: uuid }, action: 'recording.play', target: { type: 'recording', id: uuid },
        details: { mode: 'play', ranges: [0, 1], nested: { ok: true, none: null } }, prevHash: '0'.repeat(64), hash: 'd'.repeat(64),
      }],
    } satisfies AuditEntriesAnswer,
    malformed: { entries: [{ orgId: uuid, seq: 1, at, actor: { kind: 'robot', id: null }, action: 'x.y', target: { type: null, id: null }, details: {}, prevHash: '', hash: '' }] },
  },
  {
    name: 'AuditVerifyAnswer', schema: AuditVerifyAnswer,
    answer: {
      report: { orgId: uuid, ok: false, checked: 4, lastSeq: 4, lastHash: 'd'.repeat(64), brokenAt: { seq: 5, reason: 'hash_mismatch', expected: 'e', found: 'f' } },
    } satisfies AuditVerifyAnswer,
    malformed: { report: { orgId: uuid, ok: false, checked: 4, lastSeq: 4, lastHash: 'd', brokenAt: { seq: 5, reason: 'tampered', expected: 'e', found: 'f' } } },
  },
  {
    name: 'RecordingRetention', schema: RecordingRetention,
    answer: { defaultDays: 180, groups: [{ id: uuid, name: 'Sales', days: null }] } satisfies RecordingRetention,
    malformed: { defaultDays: 0, groups: [] },
  },
  {
    name: 'RecordingRetentionRunAnswer', schema: RecordingRetentionRunAnswer,
    answer: { result: { recordings: 2, evidencePackages: 0 } } satisfies RecordingRetentionRunAnswer,
    malformed: { result: { recordings: 2 } },
  },
  {
    name: 'RecordingPolicies', schema: RecordingPolicies,
    answer: { defaultRetentionDays: 180, groups: [{ id: uuid, name: 'Sales', ...policy, retentionDays: null }] } satisfies RecordingPolicies,
    malformed: { defaultRetentionDays: 180, groups: [{ id: uuid, name: 'Sales', ...policy, mode: 'always', retentionDays: null }] },
  },
  { name: 'RecordingPolicyAnswer', schema: RecordingPolicyAnswer, answer: { policy } satisfies RecordingPolicyAnswer, malformed: { policy: { mode: 'on' } } },
  {
    name: 'ClientRecordingChunkAnswer', schema: ClientRecordingChunkAnswer,
    answer: { chunk: { seq: 0, size: 512, sha256: 'a'.repeat(64), duplicate: false } } satisfies ClientRecordingChunkAnswer,
    malformed: { chunk: { seq: 0, size: 512, sha256: 'a'.repeat(64) } },
  },
  {
    name: 'ClientRecordingFinishAnswer', schema: ClientRecordingFinishAnswer,
    answer: { state: 'finished', recording: { ...recording, kind: 'client', party: 'agent' } } satisfies ClientRecordingFinishAnswer,
    malformed: { state: 'done', recording: null },
  },
  {
    name: 'SnapshotAnswer', schema: SnapshotAnswer,
    answer: { snapshot: { recordingId: uuid, width: 1920, height: 1080, size: 250_000 } } satisfies SnapshotAnswer,
    malformed: { snapshot: { recordingId: uuid, width: 0, height: 1080, size: 250_000 } },
  },
  // Routing (ACD): the explanation is the engine's Decision (the schema agrees with it at compile time)
  { name: 'RoutingExplanation (offer)', schema: RoutingExplanation, answer: offered, malformed: { ...offered, strategy: 'round-robin' } },
  { name: 'RoutingExplanation (queue)', schema: RoutingExplanation, answer: queued, malformed: { ...queued, recheckAt: undefined } },
  {
    name: 'RoutingExplanation (reason lines, verdicts)', schema: RoutingExplanation, answer: offered,
    malformed: { ...offered, reasons: [{ step: 'skill-rules' }], candidates: [{ agentId: uuid, kept: 'yes', why: '' }] },
  },
  {
    name: 'ConversationRouting', schema: ConversationRouting, answer: { decision: offered, groupId: uuid, log: [logEntry] } satisfies ConversationRouting,
    malformed: { decision: offered, groupId: uuid, log: [{ ...logEntry, load_after: null, loadAfter: undefined }] },
  },
  {
    name: 'ConversationRouting (never decided)', schema: ConversationRouting, answer: { decision: null, groupId: null, log: [] } satisfies ConversationRouting,
    malformed: { decision: { kind: 'wait', groupId: null, reasons: [], candidates: [] }, groupId: null, log: [] },
  },
  { name: 'SupervisorQueueAnswer', schema: SupervisorQueueAnswer, answer: { queue: [waiting] } satisfies SupervisorQueueAnswer, malformed: { queue: [{ ...waiting, position: 0 }] } },
  {
    name: 'SupervisorAgentsAnswer', schema: SupervisorAgentsAnswer, answer: { agents: [agentState] } satisfies SupervisorAgentsAnswer,
    malformed: { agents: [{ ...agentState, presence: 'lunch' }] },
  },
  {
    name: 'AgentDirectoryAnswer', schema: AgentDirectoryAnswer,
    answer: { agents: [{ id: uuid, name: 'Ana', presence: 'away', groupIds: [] }] } satisfies AgentDirectoryAnswer,
    malformed: { agents: [{ id: uuid, name: 'Ana', presence: 'away' }] },
  },
  {
    name: 'VisitorRoutingFactsView', schema: VisitorRoutingFactsView,
    answer: { vip: true, tags: ['wealth'], attributes: { level: 'gold', orders: 3, verified: true } } satisfies VisitorRoutingFactsView,
    malformed: { vip: true, tags: ['wealth'], attributes: { level: { tier: 'gold' } } },
  },
  { name: 'OffersAnswer', schema: OffersAnswer, answer: { offers: [offer] } satisfies OffersAnswer, malformed: { offers: [{ ...offer, media: 'fax' }] } },
  { name: 'OfferAcceptAnswer', schema: OfferAcceptAnswer, answer: { conversationId: uuid } satisfies OfferAcceptAnswer, malformed: { conversation: uuid } },
  { name: 'SkillGroupsAnswer', schema: SkillGroupsAnswer, answer: { groups: [group] } satisfies SkillGroupsAnswer, malformed: { groups: [{ ...group, memberIds: undefined }] } },
  { name: 'SkillGroupAnswer', schema: SkillGroupAnswer, answer: { group } satisfies SkillGroupAnswer, malformed: { group: { ...group, hours: { timeZone: 'UTC' } } } },
  {
    name: 'RoutingConfigAnswer', schema: RoutingConfigAnswer, answer: { config: routingConfig } satisfies RoutingConfigAnswer,
    malformed: { config: { ...routingConfig, policy: { ...routingConfig.policy, chain: [{ kind: 'round-robin' }] } } },
  },
  { name: 'CreatedAgentAnswer', schema: CreatedAgentAnswer, answer: { agent } satisfies CreatedAgentAnswer, malformed: { agent: { ...agent, role: 'owner' } } },
  { name: 'OfflineMessageLeft', schema: OfflineMessageLeft, answer: { id: uuid } satisfies OfflineMessageLeft, malformed: { messageId: uuid } },
  {
    name: 'OfflineMessagesAnswer', schema: OfflineMessagesAnswer, answer: { messages: [offlineMessage] } satisfies OfflineMessagesAnswer,
    malformed: { messages: [{ ...offlineMessage, status: 'archived' }] },
  },
  // Probes
  { name: 'HealthAnswer', schema: HealthAnswer, answer: { status: 'ok' } satisfies HealthAnswer, malformed: { status: 'fine' } },
  { name: 'ReadinessAnswer', schema: ReadinessAnswer, answer: { status: 'not ready' } satisfies ReadinessAnswer, malformed: { ready: false } },
];

describe('REST answer schemas', () => {
  it.each(cases)('$name accepts a representative answer as it is', ({ schema, answer }) => {
    expect(schema.parse(answer)).toEqual(answer);
  });

  it.each(cases)('$name refuses a malformed answer', ({ schema, malformed }) => {
    expect(schema.safeParse(malformed).success).toBe(false);
  });

  it('refuses an answer that is not an object at all', () => {
    for (const { schema } of cases) expect(schema.safeParse(null).success).toBe(false);
  });
});
