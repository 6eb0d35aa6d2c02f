import { useCallback, useEffect, useState } from 'react';
import { api, type Session } from './api.js';
import { LoginPage } from './components/LoginPage.js';
import { Workspace } from './components/Workspace.js';
import { useI18n } from './i18n/react.js';

/**
 * Auth gate: ask the server who we are (the session cookie is HttpOnly, so JS cannot tell),
 * then show either the login page or the workspace. `undefined` = still asking.
 */
export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    let live = true;
    api
      .me()
      .then((s) => live && setSession(s))
      .catch(() => live && setSession(null));
    return () => {
      live = false;
    };
  }, []);

  const onLoggedOut = useCallback(() => setSession(null), []);

  if (session === undefined) return <div className="splash">{t('app.loading')}</div>;
  if (!session) return <LoginPage onLoggedIn={setSession} />;
  return <Workspace key={session.agent.id} session={session} onLoggedOut={onLoggedOut} />;
}
