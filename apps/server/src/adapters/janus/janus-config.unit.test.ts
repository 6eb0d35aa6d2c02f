import { describe, expect, it } from 'vitest';
import {
  janusJcfg,
  renderJcfg,
  videoroomJcfg,
  websocketsJcfg,
  type JanusConfigOptions,
} from './janus-config.js';

const options: JanusConfigOptions = {
  dir: '/tmp/janus-x',
  wsHost: '10.231.0.2',
  wsPort: 8188,
  adminPort: 7188,
  adminSecret: 'adm"in',
  rtpPorts: [20000, 20199],
};

describe('janus configuration', () => {
  it('renders libconfig sections with quoted strings, lists and nested blocks, leaving out unset keys', () => {
    expect(
      renderJcfg({ general: { a: 'x"y', b: 3, c: true, d: ['p', 'q'], e: undefined, f: { g: false } } }),
    ).toBe(
      'general: {\n\ta = "x\\"y"\n\tb = 3\n\tc = true\n\td = ["p", "q"]\n\tf = {\n\t\tg = false\n\t}\n}\n',
    );
  });

  it('enables only the videoroom plugin and the websockets transport', () => {
    const main = janusJcfg(options);
    expect(main).toContain('configs_folder = "/tmp/janus-x"');
    expect(main).toContain('admin_secret = "adm\\"in"');
    expect(main).toContain('rtp_port_range = "20000-20199"');
    expect(main).toContain('reclaim_session_timeout = 0');
    expect(main).toMatch(/plugins: \{\n\tdisable = "[^"]*libjanus_echotest\.so[^"]*"/);
    expect(main).not.toMatch(/disable = "[^"]*libjanus_videoroom\.so/);
    expect(main).not.toMatch(/disable = "[^"]*libjanus_websockets\.so/);
    expect(main).not.toContain('api_secret');
    expect(janusJcfg({ ...options, apiSecret: 's', publicIp: '203.0.113.5' })).toMatch(
      /api_secret = "s"[\s\S]*nat_1_1_mapping = "203.0.113.5"/,
    );
  });

  it("keeps Janus's full ICE unless told otherwise; lite and aggressive nomination on request", () => {
    expect(janusJcfg(options)).not.toMatch(/ice_lite|ice_nomination/);
    expect(janusJcfg({ ...options, ice: 'lite' })).toContain('ice_lite = true');
    expect(janusJcfg({ ...options, ice: 'aggressive' })).toContain('ice_nomination = "aggressive"');
  });

  it('binds the API and the admin API to the chosen address', () => {
    const ws = websocketsJcfg(options);
    expect(ws).toContain('ws_ip = "10.231.0.2"');
    expect(ws).toContain('ws_port = 8188');
    expect(ws).toContain('admin_ws = true');
    expect(ws).toContain('admin_ws_port = 7188');
    expect(videoroomJcfg()).toContain('string_ids = false');
  });
});
