import { availableParallelism } from 'node:os';

// scrypt runs on libuv's thread pool, which file I/O and DNS share; its size is read once, when
// the pool is first used, so this module is imported first by main.ts. Without it the pool has 4
// threads whatever the machine: with LOGIN_MAX_CONCURRENT_HASHES hashes running, a sign-in storm
// could hold most of them and stall uploads and recordings. Room for one hash per core plus
// libuv's four for everything else; an operator's own UV_THREADPOOL_SIZE wins.
process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism() + 4);
