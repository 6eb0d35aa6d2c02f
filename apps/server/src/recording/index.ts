export * from './client-recording-service.js';
export * from './compliance.js';
export * from './evidence-keys.js';
export * from './evidence-verify.js';
export * from './recording-policy.js';
export * from './recording-postprocess-job.js';
export * from './recording-service.js';
export * from './routes-client-recording.js';
export * from './routes-recording-policy.js';
export * from './routes-recordings.js';
export * from './recording-listeners.js';
// The process runner, shared with the MediaRecording adapter's decoder.
export { assertToolsInstalled, mapLimit, PostProcessError, runTool, type PostProcessErrorCode, type RunLimits } from './tools.js';
export * from './recording-module.js';
