import { useEffect, useMemo, useRef, useState } from 'react';
import type { ConversationSummary } from '@visavis/protocol';
import { api, type Session } from '../api.js';
import { useI18n } from '../i18n/react.js';
import { attentionCount, sortedScope, titleFor } from '../lib/inbox.js';
import { shortId } from '../lib/format.js';
import { playChime, showDesktopNotification, unlockAudio } from '../lib/notify.js';
import { StoreContext, useWorkspace } from '../store/context.js';
import { unreadOf } from '../store/state.js';
import { WorkspaceStore } from '../store/workspaceStore.js';
import { ChatPane } from './ChatPane.js';
import { ConversationList } from './ConversationList.js';
import { TopBar } from './TopBar.js';
import { VisitorPanel } from './VisitorPanel.js';

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

  const store = useMemo(() => {
    const s = new WorkspaceStore(session, {
      onAuthLost: onLoggedOut,
      onNewAssignment: (c: ConversationSummary) => {
        playChime();
        const name = c.visitorName ?? tRef.current('list.visitor', { id: shortId(c.visitorId) });
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

  const logout = async () => {
    try {
      await api.logout();
    } finally {
      onLoggedOut();
    }
  };

  return (
    <StoreContext.Provider value={store}>
      <TitleBadge />
      <div className={`layout pane-${pane}`}>
        <TopBar onLogout={logout} />
        <main className="columns">
          <ConversationList onOpen={() => setPane('chat')} />
          <ChatPane onBack={() => setPane('list')} onShowVisitor={() => setPane('visitor')} />
          <VisitorPanel onBack={() => setPane('chat')} />
        </main>
      </div>
    </StoreContext.Provider>
  );
}

/** Keeps "(n) Visavis" in the tab title: live conversations with unread messages or unopened. */
function TitleBadge() {
  const state = useWorkspace();
  const { t } = useI18n();
  const count = useMemo(() => {
    const live = sortedScope(state.summaries, 'live');
    return attentionCount(live, (s) => unreadOf(state, s), new Set(state.fresh));
  }, [state]);
  useEffect(() => {
    document.title = titleFor(count, t('app.name'));
  }, [count, t]);
  useEffect(() => () => void (document.title = 'Visavis'), []);
  return null;
}
