import { describe, expect, it } from 'vitest';
import { describeDevice, parseUserAgent } from './useragent.js';

const UA = {
  chromeWin:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  edgeWin:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1',
  wechat:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2d) NetType/WIFI Language/zh_CN',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/119.0.6045.169 Mobile/15E148 Safari/604.1',
};

describe('user agent parsing', () => {
  it('recognises common desktop browsers', () => {
    expect(describeDevice(UA.chromeWin)).toBe('Chrome 120 · Windows 10/11');
    expect(describeDevice(UA.edgeWin)).toBe('Edge 120 · Windows 10/11');
    expect(describeDevice(UA.safariMac)).toBe('Safari 17 · macOS 10.15.7');
    expect(describeDevice(UA.firefoxLinux)).toBe('Firefox 121 · Linux');
  });

  it('recognises mobile devices and in-app browsers', () => {
    expect(parseUserAgent(UA.iphone)).toMatchObject({
      os: 'iOS',
      osVersion: '17.1.2',
      browser: 'Safari',
      mobile: true,
    });
    expect(describeDevice(UA.wechat)).toBe('WeChat 8 · iOS 16.6');
    expect(parseUserAgent(UA.android)).toMatchObject({
      os: 'Android',
      osVersion: '14',
      browser: 'Chrome',
      mobile: true,
    });
    expect(parseUserAgent(UA.ipad)).toMatchObject({ os: 'iPadOS', browser: 'Chrome', mobile: false });
  });

  it('returns null for empty or unknown agents', () => {
    expect(describeDevice(null)).toBeNull();
    expect(describeDevice('')).toBeNull();
    expect(describeDevice('curl/8.0')).toBeNull();
  });
});
