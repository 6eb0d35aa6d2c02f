// The video benchmarks (issue 4): the real server's call flow through a real Janus, in Chromium.
//
//   video-latency  glass-to-glass latency through Janus, then directly browser-to-browser (the floor)
//   video-setup    call set-up time: the visitor's call.start -> first remote frame on each side
//   video-cpu      server and Janus CPU per concurrent call at 1, 5 and 10 calls
//
// How it is put together (bench/video/*): Janus runs in a network namespace of the run's own
// (startTestJanus); the server (a child process, e2e harness) and Chromium stay in the root
// namespace and reach Janus at the namespace address. Each party is a page in its own browser
// context, on the server's origin, running the SDK's Connection and CallSession unchanged (bundled
// on the fly with esbuild); its camera is a canvas drawing a time code, its microphone an
// oscillator. See bench/README.md for the method and its limits.
export { videoLatencyBenchmark } from './video-latency.js';
export { videoSetupBenchmark } from './video-setup.js';
export { videoCpuBenchmark } from './video-cpu.js';
