import { chooseLanguage } from '../shared/lang.js';
import { originOf, parseIdentity, parseRouting } from '../shared/bridge.js';
import { Widget } from './widget.js';

/**
 * widget.js — the embed loader. A business adds
 *   <script src="https://chat.example/widget.js" data-site-key="KEY" async></script>
 * optionally with data-lang, data-user-id / data-user-ts / data-user-hash / data-user-name / data-user-email
 * (and signed routing facts: data-user-facts / data-user-facts-hash), routing hints
 * data-entry-point and data-agent, and the queue stub (so calls made before the script loads work):
 *   <script>window.Visavis=window.Visavis||function(){(Visavis.q=Visavis.q||[]).push(arguments)}</script>
 * It never throws into the host page: a misconfiguration only logs a warning.
 */
type VisavisFn = ((command: string, ...args: unknown[]) => void) & { q?: ArrayLike<unknown>[]; loaded?: boolean };

function findScript(): HTMLScriptElement | null {
  // currentScript is set while a classic (also async) script runs; the selector is a fallback.
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.siteKey) return current;
  return document.querySelector<HTMLScriptElement>('script[data-site-key][src*="widget.js"]');
}

function start(): void {
  const w = window as unknown as { Visavis?: VisavisFn };
  if (w.Visavis?.loaded) return; // included twice: keep the first
  const script = findScript();
  const siteKey = script?.dataset.siteKey?.trim();
  if (!script || !siteKey) {
    console.warn('[visavis] widget.js needs a data-site-key attribute');
    return;
  }
  const d = script.dataset;
  const identity = d.userId
    ? parseIdentity({ userId: d.userId, hash: d.userHash, ts: d.userTs, name: d.userName, email: d.userEmail, facts: d.userFacts, factsHash: d.userFactsHash })
    : null;
  if (d.userId && !identity) console.warn('[visavis] ignoring data-user-id: data-user-hash is missing or malformed');

  const widget = new Widget({
    siteKey,
    lang: chooseLanguage(d.lang, navigator.language),
    appOrigin: originOf(script.src) ?? location.origin,
    identity,
    routing: parseRouting({ entryPoint: d.entryPoint, agent: d.agent }),
  });

  const queued = Array.from(w.Visavis?.q ?? []);
  const api: VisavisFn = (command, ...args) => {
    try {
      widget.command(command, args);
    } catch (err) {
      console.error('[visavis] command failed', command, err);
    }
  };
  api.loaded = true;
  w.Visavis = api;

  const mount = () => {
    widget.mount();
    // Replay calls made before we loaded; "ready" is sticky, so queued "on ready" handlers run too.
    for (const call of queued) api(...(Array.from(call) as [string, ...unknown[]]));
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}

start();
