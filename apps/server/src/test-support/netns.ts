import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

/**
 * A network namespace of the test's own, for running Janus in tests (see docs/media.md).
 *
 * Why: Janus never gathers ICE candidates on loopback, and tests may only send traffic to
 * loopback or to namespaces they create. So Janus runs inside `vv-<pid>-<n>`, whose only
 * non-loopback interface is one end of a veth pair; the other end stays in the root namespace.
 * The pair gets a private /30 from 10.231.0.0/16 (host end .1, namespace end .2) and the
 * namespace gets no default route, so every packet Janus sends (WebSocket replies, ICE checks,
 * media) can only go over the pair.
 *
 * Needs root (or CAP_NET_ADMIN + CAP_SYS_ADMIN) and iproute2. The namespace is deleted by
 * `destroy()`, by an exit hook if the test process ends without it, and, for namespaces left by
 * a process that was killed, by the next `createTestNetns()` (it removes `vv-<pid>-*` whose pid
 * is gone).
 */
export interface TestNetns {
  name: string;
  /** Root-namespace end of the pair (where the test's own sockets live). */
  hostAddress: string;
  /** Address inside the namespace (where Janus listens). */
  nsAddress: string;
  hostInterface: string;
  nsInterface: string;
  /** Prefix that runs a command inside the namespace: [...wrap, cmd, ...args]. */
  wrap: string[];
  destroy(): Promise<void>;
}

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args, { timeout: 10_000 });

const live = new Set<string>();
let counter = 0;
let exitHookInstalled = false;

/** Why namespaces cannot be made here, or null when they can. */
export async function netnsUnavailableReason(): Promise<string | null> {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  try {
    await ip('netns', 'list');
    return null;
  } catch (e) {
    return `iproute2 is missing or refuses: ${(e as Error).message}`;
  }
}

export async function createTestNetns(): Promise<TestNetns> {
  await removeStaleNamespaces();
  const n = counter++;
  const name = `vv-${process.pid}-${n}`;
  // Interface names are limited to 15 characters: "vvh-4194304-999" fits.
  const hostInterface = `vvh-${process.pid}-${n}`;
  const nsInterface = `vvj-${process.pid}-${n}`;
  const subnet = await freeSubnet(n);
  const hostAddress = `10.231.${subnet >> 6}.${(subnet & 63) * 4 + 1}`;
  const nsAddress = `10.231.${subnet >> 6}.${(subnet & 63) * 4 + 2}`;

  installExitHook();
  live.add(name);
  const destroy = async () => {
    if (!live.delete(name)) return;
    await deleteNamespace(name);
  };
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', nsInterface, 'netns', name);
    // No IPv6 on the pair: no link-local addresses, router solicitations or v6 candidates.
    await disableIpv6([], hostInterface);
    await disableIpv6(['ip', 'netns', 'exec', name], 'all');
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', hostInterface);
    await ip('link', 'set', hostInterface, 'up');
    await ip('-n', name, 'addr', 'add', `${nsAddress}/30`, 'dev', nsInterface);
    await ip('-n', name, 'link', 'set', nsInterface, 'up');
    await ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (e) {
    await destroy();
    throw new Error(`cannot set up test network namespace ${name}: ${(e as Error).message}`);
  }
  return {
    name,
    hostAddress,
    nsAddress,
    hostInterface,
    nsInterface,
    wrap: ['ip', 'netns', 'exec', name],
    destroy,
  };
}

async function disableIpv6(wrap: string[], iface: string): Promise<void> {
  const cmd = `echo 1 > /proc/sys/net/ipv6/conf/${iface}/disable_ipv6`;
  const argv = [...wrap, 'sh', '-c', cmd];
  await run(argv[0]!, argv.slice(1)).catch(() => {}); // a kernel without IPv6 is fine too
}

/** A /30 index (0..16383) inside 10.231.0.0/16 that no local interface uses yet. */
async function freeSubnet(n: number): Promise<number> {
  const { stdout } = await ip('-o', '-4', 'addr', 'show');
  const used = new Set(
    [...stdout.matchAll(/inet 10\.231\.(\d+)\.(\d+)\//g)].map((m) => Number(m[1]) * 64 + (Number(m[2]) >> 2)),
  );
  const start = (process.pid * 37 + n * 101) % 16384;
  for (let i = 0; i < 16384; i++) {
    const candidate = (start + i) % 16384;
    if (!used.has(candidate)) return candidate;
  }
  throw new Error('no free /30 left in 10.231.0.0/16');
}

async function deleteNamespace(name: string): Promise<void> {
  // Processes still inside keep the namespace (and the veth pair) alive after `netns del`.
  const pids = await ip('netns', 'pids', name).then(
    (r) => r.stdout.split(/\s+/).filter(Boolean).map(Number),
    () => [],
  );
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Deleting the namespace destroys its veth end, which takes the root-namespace end with it.
  await ip('netns', 'del', name).catch(() => {});
}

async function removeStaleNamespaces(): Promise<void> {
  const { stdout } = await ip('netns', 'list').catch(() => ({ stdout: '' }));
  for (const m of stdout.matchAll(/^vv-(\d+)-\d+/gm)) {
    const pid = Number(m[1]);
    if (pid !== process.pid && !processAlive(pid)) await deleteNamespace(m[0]);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A recycled pid of another program does not own the namespace; ours are node processes.
    return /node|vitest|tsx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', deleteLiveNamespacesSync);
  // A signal ends Node without 'exit': clean up, then die of the signal as we would have,
  // unless someone else (the test runner) handles it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      deleteLiveNamespacesSync();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function deleteLiveNamespacesSync(): void {
  for (const name of live) {
    try {
      const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' })
        .split(/\s+/)
        .filter(Boolean);
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      execFileSync('ip', ['netns', 'del', name]);
    } catch {
      // best effort while exiting
    }
  }
  live.clear();
}
