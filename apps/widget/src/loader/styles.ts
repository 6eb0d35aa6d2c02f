/**
 * Launcher and panel styles. They live inside the widget's shadow root, so the host page's CSS
 * cannot restyle them and ours cannot leak out; `:host { all: initial }` also stops inherited
 * properties (font, colour, line-height) from the page. Class names are prefixed anyway, for
 * the rare browser without shadow DOM where we fall back to a plain container.
 */
export const LOADER_CSS = `
:host { all: initial; }
.vvl-root, .vvl-root * { box-sizing: border-box; }
.vvl-root {
  --vvl-brand: #1653d8;
  --vvl-brand-dark: #0f3fa8;
  font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'PingFang SC', 'Microsoft YaHei', sans-serif;
  font-size: 14px;
  line-height: 1;
}
.vvl-launcher {
  position: fixed;
  right: calc(20px + env(safe-area-inset-right, 0px));
  bottom: calc(20px + env(safe-area-inset-bottom, 0px));
  z-index: 2147483000;
  width: 60px; height: 60px; margin: 0; padding: 0;
  border: 0; border-radius: 50%;
  background: linear-gradient(135deg, var(--vvl-brand), var(--vvl-brand-dark));
  color: #fff; cursor: pointer;
  display: flex; align-items: center; justify-content: center;
  box-shadow: 0 6px 20px rgba(16, 24, 40, 0.28), 0 2px 6px rgba(16, 24, 40, 0.18);
  transition: transform 0.18s ease, box-shadow 0.18s ease;
  -webkit-tap-highlight-color: transparent;
}
.vvl-launcher:hover { transform: scale(1.05); box-shadow: 0 8px 26px rgba(16, 24, 40, 0.32); }
.vvl-launcher:focus-visible { outline: 3px solid #9cc0ff; outline-offset: 3px; }
.vvl-launcher svg { width: 28px; height: 28px; fill: currentColor; display: block; }
.vvl-launcher .vvl-icon-close { display: none; }
.vvl-launcher[aria-expanded='true'] .vvl-icon-chat { display: none; }
.vvl-launcher[aria-expanded='true'] .vvl-icon-close { display: block; }
.vvl-badge {
  position: absolute; top: -4px; right: -4px;
  min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px;
  background: #e5484d; color: #fff; border: 2px solid #fff;
  font-size: 12px; font-weight: 700; line-height: 18px; text-align: center;
}
.vvl-badge[hidden] { display: none; }
.vvl-panel {
  position: fixed;
  right: calc(20px + env(safe-area-inset-right, 0px));
  bottom: calc(92px + env(safe-area-inset-bottom, 0px));
  z-index: 2147483000;
  width: 380px; height: 600px;
  max-width: calc(100vw - 40px);
  max-height: calc(100vh - 112px);
  border-radius: 16px; overflow: hidden;
  background: #f3f5f9;
  box-shadow: 0 16px 48px rgba(16, 24, 40, 0.24), 0 2px 8px rgba(16, 24, 40, 0.12);
  opacity: 0; transform: translateY(12px) scale(0.98); transform-origin: bottom right;
  visibility: hidden; pointer-events: none;
  transition: opacity 0.18s ease, transform 0.18s ease, visibility 0s linear 0.18s;
}
.vvl-panel.vvl-open {
  opacity: 1; transform: none; visibility: visible; pointer-events: auto;
  transition: opacity 0.18s ease, transform 0.18s ease, visibility 0s;
}
/* Phones: the chat takes the whole screen and the launcher steps aside (the chat has a close button). */
.vvl-panel.vvl-full {
  top: 0; left: 0; right: 0; bottom: 0;
  width: 100%; height: 100%; max-width: none; max-height: none;
  border-radius: 0;
}
.vvl-root.vvl-full-open .vvl-launcher { display: none; }
.vvl-frame { display: block; width: 100%; height: 100%; border: 0; background: transparent; }
@media (prefers-reduced-motion: reduce) {
  .vvl-launcher, .vvl-panel, .vvl-panel.vvl-open { transition: none; }
}
@media print { .vvl-root { display: none; } }
`;
