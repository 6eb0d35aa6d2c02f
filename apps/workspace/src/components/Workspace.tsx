import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ConversationSummary, OfferView } from '@visavis/protocol';
import { api, type Session } from '../api.js';
import { useI18n } from '../i18n/react.js';
import { attentionCount, sortedScope, titleFor } from '../lib/inbox.js';
import { playChime, showDesktopNotification, unlockAudio } from '../lib/notify.js';
import { StoreContext, useWorkspace } from '../store/context.js';
import { unreadOf } from '../store/state.js';
import { WorkspaceStore } from '../store/workspaceStore.js';
import { ChatPane } from './ChatPane.js';
import { ConversationList } from './ConversationList.js';
import { TopBar } from './TopBar.js';
import { VisitorPanel } from './VisitorPanel.js';
import { AdminView } from '../admin/AdminView.js';
import { routingApi } from '../routing/api.js';
import { usePoll } from '../routing/hooks.js';
import { OffersStore } from '../routing/offers.js';
import { RefsContext, RefsStore } from '../routing/refs.js';
import { QueueView } from '../supervisor/QueueView.js';
import { NavRail, viewsFor, type View } from './NavRail.js';
import { OfferStack } from './OfferStack.js';
import { OfflineMessagesView } from './OfflineMessagesView.js';
import { CallContext, CallStore, useCall } from '../calls/callStore.js';
import { CallTile } from '../calls/CallPanel.js';
import { IncomingCalls } from '../calls/IncomingCalls.js';
import { summaryOf } from '../store/state.js';
import { visitorLabel } from '../lib/visitorName.js';

/** Which pane is shown when the window is too narrow for three columns. */
export type NarrowPane = 'list' | 'chat' | 'visitor';

interface Props {
  session: Session;
  onLoggedOut: () => void;
}

export function Workspace({ session, onLoggedOut }: Props) {
  const { t } = useI18n();
  // Hooks fire from socket callbacks, long after render; refs give them the current strings.
  const tRef = useRef(t);
  tRef.current = t;
  const storeRef = useRef<WorkspaceStore | null>(null);
  const [pane, setPane] = useState<NarrowPane>('list');
  const [view, setView] = useState<View>('inbox');
  const [offlineCount, setOfflineCount] = useState(0);

  const store = useMemo(() => {
    const s = new WorkspaceStore(session, {
      onAuthLost: onLoggedOut,
      onNewAssignment: (c: ConversationSummary) => {
        playChime();
        const name = visitorLabel(c, tRef.current);
        showDesktopNotification(
          tRef.current('notify.newTitle'),
          tRef.current('notify.newBody', { name }),
          c.id,
          () => {
            storeRef.current?.select(c.id);
            setPane('chat');
          },
        );
      },
    });
    storeRef.current = s;
    return s;
  }, [session, onLoggedOut]);

  const calls = useMemo(() => new CallStore(store), [store]);
  const refs = useMemo(() => new RefsStore(), []);
  const offers = useMemo(
    () =>
      new OffersStore(store, (o: OfferView) => {
        playChime();
        const name = visitorLabel(o, tRef.current);
        showDesktopNotification(
          tRef.current('offer.title'),
          tRef.current('offer.notifyBody', { name }),
          `offer-${o.id}`,
          () => setView('inbox'),
        );
      }),
    [store],
  );

  useEffect(() => {
    calls.start();
    return () => calls.stop();
  }, [calls]);

  useEffect(() => {
    offers.start();
    void refs.reload();
    return () => offers.stop();
  }, [offers, refs]);

  usePoll(async () => {
    try {
      setOfflineCount((await routingApi.offlineMessages('open')).messages.length);
    } catch {
      // The badge is a hint; the view itself shows errors.
    }
  }, 60_000);

  useEffect(() => {
    store.start();
    // A hook for browser tests of the reconnect banner: drop the socket as a network blip would.
    const w = window as { __visavisWorkspace?: { dropConnection: () => void } };
    w.__visavisWorkspace = { dropConnection: () => store.dropConnectionForTest() };
    return () => {
      store.stop();
      delete w.__visavisWorkspace;
    };
  }, [store]);

  // Any click or key press may be the first gesture; audio stays locked until one happens.
  useEffect(() => {
    const unlock = () => unlockAudio();
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, []);

  const openConversation = (id: string) => {
    setView('inbox');
    store.select(id);
    setPane('chat');
  };

  const logout = async () => {
    try {
      await api.logout();
    } finally {
      onLoggedOut();
    }
  };

  return (
    <StoreContext.Provider value={store}>
      <CallContext.Provider value={calls}>
        <RefsContext.Provider value={refs}>
          <TitleBadge offers={offers} />
          <RingLoop offers={offers} />
          <div className={`layout pane-${pane} view-${view}`}>
            <TopBar onLogout={logout} />
            <div className="shell">
              {viewsFor(session.agent.role).length > 1 && (
                <NavRail
                  role={session.agent.role}
                  view={view}
                  onChange={setView}
                  badges={{ offline: offlineCount }}
                />
              )}
              {view === 'inbox' && (
                <main className="columns">
                  <ConversationList onOpen={() => setPane('chat')} />
                  <ChatPane onBack={() => setPane('list')} onShowVisitor={() => setPane('visitor')} />
                  <VisitorPanel onBack={() => setPane('chat')} />
                </main>
              )}
              {view === 'queue' && <QueueView />}
              {view === 'offline' && <OfflineMessagesView onCount={setOfflineCount} />}
              {view === 'admin' && <AdminView />}
            </div>
          </div>
          <OfferStack
            offers={offers}
            onAccepted={(id) => {
              setView('inbox');
              store.select(id);
              setPane('chat');
            }}
          />
          <IncomingCalls onAccepted={openConversation} />
          <CallTileHost view={view} onOpen={openConversation} />
        </RefsContext.Provider>
      </CallContext.Provider>
    </StoreContext.Provider>
  );
}

/** While an offer rings, chime every few seconds: it is a phone ringing, not a notification. */
function RingLoop({ offers }: { offers: OffersStore }) {
  const ringing = useSyncExternalStore(offers.subscribe, offers.getState).length > 0;
  useEffect(() => {
    if (!ringing) return;
    const timer = setInterval(playChime, 3000);
    return () => clearInterval(timer);
  }, [ringing]);
  return null;
}

/**
 * Keeps "(n) Visavis" in the tab title: live conversations with unread messages or unopened,
 * plus offers ringing for this agent.
 */
function TitleBadge({ offers }: { offers: OffersStore }) {
  const state = useWorkspace();
  const ringing = useSyncExternalStore(offers.subscribe, offers.getState).length;
  const { t } = useI18n();
  const count = useMemo(() => {
    const live = sortedScope(state.summaries, 'live');
    return attentionCount(live, (s) => unreadOf(state, s), new Set(state.fresh)) + ringing;
  }, [state, ringing]);
  useEffect(() => {
    document.title = titleFor(count, t('app.name'));
  }, [count, t]);
  useEffect(() => () => void (document.title = 'Visavis'), []);
  return null;
}

/** The live call as a corner tile whenever its conversation is not the one on screen. */
function CallTileHost({ view, onOpen }: { view: View; onOpen: (conversationId: string) => void }) {
  const state = useWorkspace();
  const { session } = useCall();
  const { t } = useI18n();
  if (!session) return null;
  const s = summaryOf(state, session.conversationId);
  const onScreen = view === 'inbox' && state.selectedId === session.conversationId;
  return <CallTile visible={!onScreen} name={s ? visitorLabel(s, t) : '…'} onOpen={onOpen} />;
}
