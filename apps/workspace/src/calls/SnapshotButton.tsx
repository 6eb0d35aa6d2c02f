import { useEffect, useRef, useState } from 'react';
import { VisavisError } from '@visavis/client';
import { useI18n } from '../i18n/react.js';
import { useStore, useWorkspace } from '../store/context.js';
import type { LiveCall } from './state.js';
import '../styles/snapshot.css';

/**
 * How long to wait for the visitor's still after the server took the request. The visitor must
 * start the upload within 60 s; a large photo over a slow uplink may take a few minutes more.
 */
const WAIT_MS = 180_000;
/** How long "received" stays up. */
const RECEIVED_MS = 5_000;

type Phase =
  | { kind: 'idle' }
  | { kind: 'requesting'; afterSeq: number; acked: boolean }
  | { kind: 'received'; width: number; height: number }
  | { kind: 'failed'; code: string };

export function CameraIcon({ size = 20 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M9 3 7.17 5H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.17L15 3H9zm3 15a5 5 0 1 1 0-10 5 5 0 0 1 0 10zm0-2a3 3 0 1 0 0-6 3 3 0 0 0 0 6z"
      />
    </svg>
  );
}

/**
 * "HD snapshot" in the live video call's controls: asks the visitor's browser for a still of its
 * camera at full resolution (`call.snapshot_request`), then shows progress until the call's
 * `call.snapshot` event arrives in the timeline (requesting… → received), or why it failed.
 */
export function SnapshotButton({ call }: { call: LiveCall }) {
  const { t } = useI18n();
  const store = useStore();
  const events = useWorkspace().timelines[call.conversationId]?.events;
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const settle = (next: Phase, ms: number) => {
    setPhase(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setPhase({ kind: 'idle' }), ms);
  };

  // The still arrived: the first call.snapshot of this call after the request.
  useEffect(() => {
    if (phase.kind !== 'requesting' || !events) return;
    for (const ev of events) {
      const e = ev.event;
      if (ev.seq > phase.afterSeq && e.type === 'call.snapshot' && e.callId === call.callId) {
        settle({ kind: 'received', width: e.width, height: e.height }, RECEIVED_MS);
        return;
      }
    }
  }, [events, phase, call.callId]);

  const ask = async () => {
    const afterSeq = events?.length ? events[events.length - 1]!.seq : 0;
    setPhase({ kind: 'requesting', afterSeq, acked: false });
    clearTimeout(timer.current);
    try {
      await store.request({ type: 'call.snapshot_request', callId: call.callId });
      // Asked: the agent may ask again (another request) while this one is on its way.
      setPhase((p) => (p.kind === 'requesting' && p.afterSeq === afterSeq ? { ...p, acked: true } : p));
      timer.current = setTimeout(() => settle({ kind: 'failed', code: 'TIMEOUT' }, RECEIVED_MS), WAIT_MS);
    } catch (e) {
      settle({ kind: 'failed', code: e instanceof VisavisError ? e.code : 'INTERNAL' }, RECEIVED_MS);
    }
  };

  const status =
    phase.kind === 'requesting'
      ? t('call.snapshotRequesting')
      : phase.kind === 'received'
        ? t('call.snapshotReceived', { width: phase.width, height: phase.height })
        : phase.kind === 'failed'
          ? phase.code === 'TIMEOUT'
            ? t('call.snapshotTimeout')
            : t('call.snapshotError', { code: phase.code })
          : null;
  return (
    <>
      <button
        type="button"
        className="call-btn call-btn-snapshot"
        data-testid="call-snapshot"
        data-state={phase.kind}
        disabled={phase.kind === 'requesting' && !phase.acked}
        title={t('call.snapshotTitle')}
        aria-label={t('call.snapshot')}
        onClick={() => void ask()}
      >
        <CameraIcon size={20} />
        <span className="call-snapshot-hd" aria-hidden="true">
          HD
        </span>
      </button>
      {status && (
        <div className={`call-snapshot-status ${phase.kind}`} role="status" data-testid="call-snapshot-status" data-state={phase.kind}>
          {status}
        </div>
      )}
    </>
  );
}
