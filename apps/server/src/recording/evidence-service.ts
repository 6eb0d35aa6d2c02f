import { randomUUID } from 'node:crypto';
import { visitorDisplayName } from '@visavis/domain';
import type { Readable } from 'node:stream';
import { AppError, notFound } from '../platform/errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import { AgentStore, isSupervisor, OrgStore, type Principal } from '../identity/index.js';
import { actorOf, type AuditLog, sha256Hex } from '../audit/index.js';
import { signManifest, type SigningKey } from './evidence-keys.js';
import { extensionFor, MANIFEST_FILE, MANIFEST_FORMAT, PUBLIC_KEY_FILE, SIGNATURE_FILE, type Manifest } from './evidence-manifest.js';
import { EvidenceStore, MarkStore, RecordingStore, type CallFacts, type EvidenceRow, type RecordingRow } from './recording-store.js';
import { toRecordingView, type RecordingService } from './recording-service.js';
import type { RecordingUrls } from './recording-urls.js';
import { tarStream, type TarEntry, type WrittenEntry } from './tar.js';
import { loadTranscript, transcriptText } from './transcript.js';

export interface EvidenceView {
  id: string;
  callId: string;
  size: number;
  sha256: string;
  manifestSha256: string;
  keyId: string;
  createdAt: string;
  retentionUntil: string;
}

const toView = (r: EvidenceRow): EvidenceView => ({
  id: r.id, callId: r.call_id, size: r.size, sha256: r.sha256, manifestSha256: r.manifest_sha256, keyId: r.key_id,
  createdAt: new Date(r.created_at).toISOString(), retentionUntil: new Date(r.retention_until).toISOString(),
});

/** A packaged media file no longer hashes to what was registered: someone changed the stored blob. */
class IntegrityError extends Error {
  constructor(readonly file: string, readonly expected: string, readonly found: string) {
    super(`${file} does not match its registered SHA-256`);
  }
}

const README = (callId: string, fingerprint: string) => `Visavis evidence package for call ${callId}

manifest.json lists every other file of this package with its size and SHA-256, and records the
call, its conversation and its recordings. manifest.sig is an Ed25519 signature (base64) over the
exact bytes of manifest.json, made with the key in public-key.pem.

Verify with:  npm run visavis -- verify <this directory or the .tar> [--public-key server-key.pem]

Signing key fingerprint (SHA-256 of the DER public key): ${fingerprint}
Compare it with the server's (GET /api/compliance/public-key) or pin the key with --public-key.
`;

const json = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2) + '\n');

/**
 * Evidence packages: a tar with the call's media, snapshots, transcript, script marks and a signed
 * manifest, stored in the BlobStore and handed out through a signed link. Supervisors and admins
 * only; making and downloading one are audited.
 */
export class EvidenceService {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly audit: AuditLog,
    private readonly recordings: RecordingService,
    private readonly urls: RecordingUrls,
    private readonly key: SigningKey,
    private readonly clock: Clock,
    private readonly defaultRetentionDays: number,
  ) {}

  publicKey() {
    return { algorithm: 'Ed25519' as const, keyId: this.key.keyId, fingerprint: this.key.fingerprint, publicKeyPem: this.key.publicKeyPem };
  }

  private async supervisorAccess(p: Principal, callId: string) {
    const access = await this.recordings.access(p, callId);
    if (!isSupervisor(access.agent)) throw new AppError('FORBIDDEN', 'Only supervisors and admins export evidence.');
    return access;
  }

  async export(p: Principal, callId: string): Promise<{ package: EvidenceView; url: string; expiresAt: string }> {
    const { call, agent } = await this.supervisorAccess(p, callId);
    const now = this.clock.now();
    const packageId = randomUUID();
    const storageKey = `evidence/${call.org_id}/${call.id}/${packageId}`;
    const recs = await RecordingStore.forCall(this.db, call.id);
    const live = recs.filter((r) => !r.deleted_at);
    const built = await this.entries(call, recs, packageId, now, { kind: 'agent', id: agent.agentId, name: agent.name });
    const slack = 64 * 1024 * 1024; // transcript, marks, headers
    let stored: { size: number; sha256: string };
    try {
      stored = await this.blobs.put(storageKey, tarStream(built.entries, now, built.onEntry), live.reduce((n, r) => n + r.size, 0) + slack);
    } catch (e) {
      if (e instanceof IntegrityError) {
        await this.audit.append({
          orgId: call.org_id, actor: actorOf(p), action: 'evidence.integrity_failure', target: { type: 'call', id: call.id },
          details: { file: e.file, expected: e.expected, found: e.found },
        });
        throw new AppError('INTEGRITY_CHECK_FAILED', `${e.file} no longer matches the SHA-256 recorded when it was stored.`);
      }
      throw e;
    }
    const retention = live.length > 0
      ? new Date(Math.max(...live.map((r) => new Date(r.retention_until).getTime())))
      : new Date(now.getTime() + this.defaultRetentionDays * 86_400_000);
    const row = await this.db.transaction(async (tx) => {
      const created = await EvidenceStore.create(tx, {
        id: packageId, org_id: call.org_id, call_id: call.id, storage_key: storageKey, size: stored.size, sha256: stored.sha256,
        manifest_sha256: built.manifestSha256(), key_id: this.key.keyId, created_by: agent.agentId, created_at: now.toISOString(),
        retention_until: retention.toISOString(),
      });
      await this.audit.append(
        {
          orgId: call.org_id, actor: actorOf(p), action: 'evidence.export', target: { type: 'call', id: call.id },
          details: { packageId, size: stored.size, sha256: stored.sha256, manifestSha256: created.manifest_sha256, recordings: live.map((r) => r.id) },
        },
        tx,
      );
      return created;
    }).catch(async (e: unknown) => {
      await this.blobs.delete(storageKey).catch(() => {});
      throw e;
    });
    return { package: toView(row), ...this.urls.sign('evidence', packageId, agent.agentId) };
  }

  /** The tar behind a signed link, for the supervisor it was minted for; audited before any byte is sent. */
  async open(p: Principal, packageId: string, link: { exp: number; sig: string }, client: { ip: string }): Promise<{ row: EvidenceRow; stream: Readable }> {
    if (p.kind !== 'agent' || !this.urls.verify('evidence', packageId, p.agentId, link.exp, link.sig)) {
      throw new AppError('FORBIDDEN', 'The link is invalid or expired.');
    }
    const row = await EvidenceStore.byId(this.db, packageId);
    if (!row) throw notFound('No such evidence package.');
    await this.supervisorAccess(p, row.call_id);
    if (row.deleted_at) throw new AppError('RECORDING_DELETED', 'The evidence package was deleted under the retention policy.');
    await this.audit.append({
      orgId: row.org_id, actor: actorOf(p), action: 'evidence.download', target: { type: 'evidence', id: row.id },
      details: { callId: row.call_id, sha256: row.sha256, size: row.size, ip: client.ip },
    });
    return { row, stream: await this.blobs.get(row.storage_key) };
  }

  /**
   * The package's entries, pulled lazily by the tar writer: media are streamed from the BlobStore
   * and checked against their registered hash as they go; the manifest comes last, listing what
   * was actually written.
   */
  private async entries(call: CallFacts, recs: RecordingRow[], packageId: string, now: Date, by: { kind: string; id: string; name: string }) {
    const root = `evidence-${call.id}`;
    const org = await OrgStore.byId(this.db, call.org_id);
    // The conversation as the manifest records it, with its parties' names: a read model over the
    // conversations' and identity's tables, read once when the package is made (docs/architecture.md).
    const [conv] = await this.db.query<Record<string, string | null>>(
      `select c.id, c.status, c.channel, c.media, c.group_id, c.created_at, c.assigned_at, c.closed_at, c.closed_by,
              c.visitor_id, v.external_id as visitor_external_id, v.name as visitor_name, c.agent_id, a.name as agent_name
       from conversations c join visitors v on v.id = c.visitor_id left join agents a on a.id = c.agent_id where c.id = $1`,
      [call.conversation_id],
    );
    const callAgent = call.agent_id ? await AgentStore.byId(this.db, call.agent_id) : undefined;
    const events = await loadTranscript(this.db, call.conversation_id);
    const marks = await MarkStore.forCall(this.db, call.id);
    const auditHead = await this.audit.head(call.org_id);
    const pathOf = (r: RecordingRow) => `${r.kind === 'snapshot' ? 'snapshots' : 'media'}/${r.kind}-${r.party ?? 'all'}-${r.id}.${extensionFor(r.mime)}`;
    const written: WrittenEntry[] = [];
    const expected = new Map(recs.filter((r) => !r.deleted_at).map((r) => [`${root}/${pathOf(r)}`, r.sha256]));
    let manifestSha = '';
    const key = this.key;
    const blobsGet = (k: string) => this.blobs.get(k);
    const text = (s: string) => Buffer.from(s, 'utf8');
    const file = (name: string, body: Buffer): TarEntry => ({ name: `${root}/${name}`, size: body.length, body });

    async function* generate(): AsyncGenerator<TarEntry> {
      yield file('README.txt', text(README(call.id, key.fingerprint)));
      yield file(PUBLIC_KEY_FILE, text(key.publicKeyPem));
      yield file('transcript.json', json({ conversationId: call.conversation_id, events }));
      yield file('transcript.txt', text(transcriptText(
        {
          conversationId: call.conversation_id, callId: call.id,
          visitor: visitorDisplayName({ id: conv?.visitor_id ?? '', name: conv?.visitor_name }),
          agent: callAgent?.name ?? conv?.agent_name ?? 'agent',
        },
        events,
      )));
      yield file('marks.json', json({ callId: call.id, marks: marks.map((m) => ({ atMs: m.at_ms, label: m.label, by: m.created_by, at: new Date(m.created_at).toISOString() })) }));
      for (const r of recs) {
        if (r.deleted_at) continue;
        yield { name: `${root}/${pathOf(r)}`, size: r.size, body: () => blobsGet(r.storage_key) };
      }
      const manifest: Manifest = {
        format: MANIFEST_FORMAT,
        packageId,
        createdAt: now.toISOString(),
        createdBy: by,
        org: { id: org!.id, name: org!.name },
        call: { ...call, agent_name: callAgent?.name ?? null },
        conversation: conv ?? {},
        recordings: recs.map((r) => ({ ...toRecordingView(r), path: r.deleted_at ? null : pathOf(r) })),
        auditHead,
        signing: { algorithm: 'Ed25519', keyId: key.keyId, publicKeyFile: PUBLIC_KEY_FILE, signatureFile: SIGNATURE_FILE },
        files: written.map((w) => ({ path: w.name.slice(root.length + 1), size: w.size, sha256: w.sha256 })),
      };
      const bytes = json(manifest);
      manifestSha = sha256Hex(bytes);
      yield file(MANIFEST_FILE, bytes);
      yield file(SIGNATURE_FILE, text(signManifest(key, bytes) + '\n'));
    }
    return {
      entries: generate(),
      onEntry: (w: WrittenEntry) => {
        const want = expected.get(w.name);
        if (want && want !== w.sha256) throw new IntegrityError(w.name.slice(root.length + 1), want, w.sha256);
        written.push(w);
      },
      manifestSha256: () => manifestSha,
    };
  }
}
