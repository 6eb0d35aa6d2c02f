import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { I18nProvider } from './i18n/react.js';
// Order matters: later files override earlier ones (panel.css holds the narrow-screen rules).
import './styles/base.css';
import './styles/frame.css';
import './styles/chat.css';
import './styles/routing.css';
import './styles/views.css';
import './styles/calls.css';
import './styles/recordings.css';
import './styles/call-recording.css';
import './styles/panel.css';
import './styles/account.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>,
);
