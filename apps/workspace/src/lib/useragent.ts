/**
 * A small user-agent parser: just enough to tell an agent "Chrome 120 on Windows" or
 * "WeChat on iOS 17.1". Order matters: many browsers also claim to be Chrome and Safari,
 * so the more specific tokens are checked first.
 */
export interface DeviceInfo {
  os: string | null;
  osVersion: string | null;
  browser: string | null;
  browserVersion: string | null;
  mobile: boolean;
}

const ver = (v: string | undefined): string | null => (v ? v.replace(/_/g, '.') : null);

function parseOs(ua: string): Pick<DeviceInfo, 'os' | 'osVersion'> {
  let m: RegExpMatchArray | null;
  if ((m = ua.match(/HarmonyOS[ /]?([\d.]+)?/))) return { os: 'HarmonyOS', osVersion: ver(m[1]) };
  if ((m = ua.match(/iPad.*?OS (\d+[_\d]*)/))) return { os: 'iPadOS', osVersion: ver(m[1]) };
  if ((m = ua.match(/(?:iPhone|iPod).*?OS (\d+[_\d]*)/))) return { os: 'iOS', osVersion: ver(m[1]) };
  if ((m = ua.match(/Android ?([\d.]+)?/))) return { os: 'Android', osVersion: ver(m[1]) };
  if ((m = ua.match(/Windows NT ([\d.]+)/))) {
    // NT 10.0 covers both Windows 10 and 11; the UA string cannot tell them apart.
    const names: Record<string, string> = { '10.0': '10/11', '6.3': '8.1', '6.2': '8', '6.1': '7' };
    return { os: 'Windows', osVersion: names[m[1] ?? ''] ?? m[1] ?? null };
  }
  if (/Windows/.test(ua)) return { os: 'Windows', osVersion: null };
  if (/CrOS/.test(ua)) return { os: 'ChromeOS', osVersion: null };
  if ((m = ua.match(/Mac OS X (\d+[_.\d]*)/))) return { os: 'macOS', osVersion: ver(m[1]) };
  if (/Macintosh/.test(ua)) return { os: 'macOS', osVersion: null };
  if (/Linux/.test(ua)) return { os: 'Linux', osVersion: null };
  return { os: null, osVersion: null };
}

// [name, pattern with the version as group 1]; first match wins.
const BROWSERS: [string, RegExp][] = [
  ['WeChat', /MicroMessenger\/([\d.]+)/],
  ['QQ Browser', /MQQBrowser\/([\d.]+)|QQBrowser\/([\d.]+)/],
  ['UC Browser', /UCBrowser\/([\d.]+)/],
  ['Samsung Internet', /SamsungBrowser\/([\d.]+)/],
  ['Edge', /Edg(?:e|A|iOS)?\/([\d.]+)/],
  ['Opera', /(?:OPR|Opera|OPT)\/([\d.]+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/([\d.]+)/],
  ['Chrome', /(?:Chrome|CriOS)\/([\d.]+)/],
  ['Safari', /Version\/([\d.]+).*Safari\//],
];

export function parseUserAgent(ua: string | null | undefined): DeviceInfo {
  const s = ua ?? '';
  const { os, osVersion } = parseOs(s);
  let browser: string | null = null;
  let browserVersion: string | null = null;
  for (const [name, re] of BROWSERS) {
    const m = s.match(re);
    if (m) {
      browser = name;
      const v = m[1] ?? m[2] ?? null;
      // Major version only: the rest is noise for a support agent.
      browserVersion = v ? (v.split('.')[0] ?? null) : null;
      break;
    }
  }
  if (!browser && /Safari\//.test(s) && /AppleWebKit/.test(s)) browser = 'Safari';
  const mobile = /Mobile|iPhone|iPod|Android.*Mobile|HarmonyOS/.test(s) && !/iPad/.test(s);
  return { os, osVersion, browser, browserVersion, mobile };
}

/** "Chrome 120 · Windows 10/11"; null when nothing could be recognised. */
export function describeDevice(ua: string | null | undefined): string | null {
  const d = parseUserAgent(ua);
  const b = d.browser ? [d.browser, d.browserVersion].filter(Boolean).join(' ') : null;
  const o = d.os ? [d.os, d.osVersion].filter(Boolean).join(' ') : null;
  const parts = [b, o].filter((x): x is string => !!x);
  return parts.length ? parts.join(' · ') : null;
}
