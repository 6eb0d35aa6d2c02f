import { useCallback, useEffect, useState } from 'react';
import { api, type Session } from './api.js';
import { LoginPage } from './components/LoginPage.js';
import { Workspace } from './components/Workspace.js';
import { useI18n } from './i18n/react.js';
import { SetPasswordPage } from './account/SetPasswordPage.js';
import { setPasswordTokenFromHash } from './account/accountApi.js';

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
  // Invite and reset links open /app/#/set-password?token=…, whoever is signed in on this browser.
  const [linkToken, setLinkToken] = useState(() => setPasswordTokenFromHash(location.hash));
  useEffect(() => {
    const onHash = () => setLinkToken(setPasswordTokenFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  if (linkToken) return <SetPasswordPage token={linkToken} onDone={() => setLinkToken(null)} />;

  if (session === undefined) return <div className="splash">{t('app.loading')}</div>;
  if (!session) return <LoginPage onLoggedIn={setSession} />;
  return <Workspace key={session.agent.id} session={session} onLoggedOut={onLoggedOut} />;
}
