/**
 * New-assignment alerts: a short chime generated with WebAudio (no audio file to ship or
 * cache), and a desktop notification when the agent allowed them. Browsers only let audio
 * start after a user gesture, so the context is created/resumed from the first click.
 */
let ctx: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor =
    (window as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext })
      .AudioContext ?? (window as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    ctx = new Ctor();
  } catch {
    return null;
  }
  return ctx;
}

/** Call from a user gesture (click, key press) so later chimes are allowed to play. */
export function unlockAudio(): void {
  const c = audioContext();
  if (c && c.state === 'suspended') void c.resume().catch(() => {});
}

/** Two soft rising notes, ~0.35 s: noticeable without being alarming in an open office. */
export function playChime(): void {
  const c = audioContext();
  if (!c || c.state !== 'running') return;
  const start = c.currentTime + 0.01;
  [
    { f: 880, t: 0 },
    { f: 1318.5, t: 0.12 },
  ].forEach(({ f, t }) => {
    const osc = c.createOscillator();
    const gain = c.createGain();
    osc.type = 'sine';
    osc.frequency.value = f;
    gain.gain.setValueAtTime(0.0001, start + t);
    gain.gain.exponentialRampToValueAtTime(0.18, start + t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + t + 0.22);
    osc.connect(gain).connect(c.destination);
    osc.start(start + t);
    osc.stop(start + t + 0.25);
  });
}

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

/** Ask once, from a user gesture; a denied or dismissed prompt is not repeated. */
export function requestNotificationPermission(): void {
  if (!notificationsSupported() || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => {});
}

/** Shown only while the tab is hidden: an agent looking at the workspace already sees the list. */
export function showDesktopNotification(title: string, body: string, tag: string, onClick: () => void): void {
  if (!notificationsSupported() || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  try {
    const n = new Notification(title, { body, tag, silent: true });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // Some platforms (Android Chrome) only allow notifications from a service worker.
  }
}
