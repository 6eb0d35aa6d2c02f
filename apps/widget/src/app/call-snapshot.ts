import { VisavisError } from '@visavis/client';
import type { ErrorBody, SnapshotAnswer } from '@visavis/protocol';
import { fetchWithTimeout, type VisitorApi } from './api.js';
import { snapshotTranslator, type SnapshotTranslate } from './i18n-snapshot.js';
import type { Notice } from './notice.js';
import { el } from './view/dom.js';

/**
 * HD snapshot, the visitor's side: when the agent asks (`call.snapshot_request` push), take a
 * still from the local camera track at the camera's own capture resolution — not from the call's
 * encoded stream, which a poor network may have scaled down to a fraction of it — and upload it
 * against the request (POST /api/calls/:id/snapshots?requestId=). The visitor cannot read
 * recordings, so the still they took is kept here, in memory, as an object URL for the timeline.
 */

export interface Still {
  blob: Blob;
  width: number;
  height: number;
  /** How it was taken: the camera's photo pipeline, a grabbed frame, or a video element drawn. */
  via: 'takePhoto' | 'grabFrame' | 'video';
}

/** A still the visitor took in this page, for the timeline line of its `call.snapshot` event. */
export interface LocalStill {
  url: string;
  width: number;
  height: number;
  bytes: number;
  via: Still['via'];
  captureMs: number;
  uploadMs: number;
}

const JPEG_QUALITY = 0.92;
const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp'];
/** The server checks the request's expiry when the upload starts; a big photo on a slow uplink takes long. */
const UPLOAD_TIMEOUT_MS = 180_000;
const PHOTO_TIMEOUT_MS = 4_000;

/** Stills this page took, by recording id (object URLs live as long as the page). */
const localStills = new Map<string, LocalStill>();

export function localStill(recordingId: string): LocalStill | null {
  return localStills.get(recordingId) ?? null;
}

interface ImageCaptureLike {
  getPhotoCapabilities?(): Promise<{ imageWidth?: { max?: number }; imageHeight?: { max?: number } }>;
  takePhoto(settings?: { imageWidth?: number; imageHeight?: number }): Promise<Blob>;
  grabFrame?(): Promise<ImageBitmap>;
}
type ImageCaptureCtor = new (track: MediaStreamTrack) => ImageCaptureLike;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function encode(source: CanvasImageSource, width: number, height: number): Promise<Blob> {
  const canvas = el('canvas', { width, height });
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('no 2d canvas'));
  ctx.drawImage(source, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the still'))), 'image/jpeg', JPEG_QUALITY),
  );
}

/** A frame of the track through a video element of its own, drawn at the track's size. */
async function fromVideo(track: MediaStreamTrack, width: number, height: number): Promise<Still> {
  const video = el('video', { muted: true, playsinline: true });
  video.muted = true;
  video.srcObject = new MediaStream([track]);
  try {
    await withTimeout(video.play(), PHOTO_TIMEOUT_MS);
    if (video.readyState < 2) {
      await withTimeout(new Promise<void>((r) => video.addEventListener('loadeddata', () => r(), { once: true })), PHOTO_TIMEOUT_MS);
    }
    const w = video.videoWidth || width;
    const h = video.videoHeight || height;
    return { blob: await encode(video, w, h), width: w, height: h, via: 'video' };
  } finally {
    video.pause();
    video.srcObject = null;
  }
}

/**
 * A still of the camera track at its full capture resolution (at least `getSettings()`'s size).
 * Prefers ImageCapture.takePhoto() at the largest size the camera offers; falls back to
 * grabFrame(), then to drawing the track through a video element.
 */
export async function captureStill(track: MediaStreamTrack): Promise<Still> {
  const settings = track.getSettings();
  const width = settings.width ?? 0;
  const height = settings.height ?? 0;
  const Ctor = (globalThis as { ImageCapture?: ImageCaptureCtor }).ImageCapture;
  const capture = typeof Ctor === 'function' ? new Ctor(track) : null;
  if (capture) {
    try {
      const caps = await withTimeout(capture.getPhotoCapabilities?.() ?? Promise.resolve(undefined), PHOTO_TIMEOUT_MS).catch(() => undefined);
      const maxW = caps?.imageWidth?.max;
      const maxH = caps?.imageHeight?.max;
      const ask = maxW && maxH ? { imageWidth: maxW, imageHeight: maxH } : undefined;
      const blob = await withTimeout(capture.takePhoto(ask), PHOTO_TIMEOUT_MS);
      // The size as stored (what the server reads from the header): no EXIF rotation applied.
      const bitmap = await createImageBitmap(blob, { imageOrientation: 'none' });
      const size = { width: bitmap.width, height: bitmap.height };
      // A photo smaller than what the camera streams is no HD still: take a frame instead.
      if (size.width * size.height >= width * height) {
        if (ACCEPTED.includes(blob.type) && blob.type !== 'image/png') {
          bitmap.close();
          return { blob, ...size, via: 'takePhoto' };
        }
        // PNG (some cameras, Chromium's fake one) is large: send it as JPEG.
        const jpeg = await encode(bitmap, size.width, size.height);
        bitmap.close();
        return { blob: jpeg, ...size, via: 'takePhoto' };
      }
      bitmap.close();
    } catch (e) {
      console.warn('[visavis] takePhoto failed; grabbing a frame instead', e);
    }
    try {
      if (capture.grabFrame) {
        const frame = await withTimeout(capture.grabFrame(), PHOTO_TIMEOUT_MS);
        const blob = await encode(frame, frame.width, frame.height);
        const still: Still = { blob, width: frame.width, height: frame.height, via: 'grabFrame' };
        frame.close();
        return still;
      }
    } catch (e) {
      console.warn('[visavis] grabFrame failed; drawing the camera instead', e);
    }
  }
  return fromVideo(track, width, height);
}

/** A camera-shutter flash over the page, gone by itself. */
export function flashScreen(): void {
  if (typeof document === 'undefined') return;
  const flash = el('div', { class: 'vv-snapshot-flash', 'aria-hidden': 'true', 'data-testid': 'snapshot-flash' });
  document.body.appendChild(flash);
  setTimeout(() => flash.remove(), 400);
}

/** A short line over everything (the call screen covers the chat's notice), gone by itself. */
export function toast(text: string): void {
  if (typeof document === 'undefined') return;
  document.querySelector('.vv-snapshot-toast')?.remove();
  const node = el('div', { class: 'vv-snapshot-toast', role: 'status', 'data-testid': 'snapshot-toast' }, text);
  document.body.appendChild(node);
  setTimeout(() => node.remove(), 3000);
}

export interface SnapshotDeps {
  api: VisitorApi;
  /** The local camera stream of the live call (the self-view's), null when not in a call. */
  local: () => MediaStream | null;
  /** The visitor turned the camera off: no still is taken. */
  cameraOff: () => boolean;
  notice: Notice;
  lang: string;
  onChange: () => void;
}

/** Answers the agent's snapshot requests for the live call. */
export class CallSnapshots {
  /** A still being taken or uploaded (the call screen flashes while true). */
  busy = false;
  private readonly t: SnapshotTranslate;
  private readonly pending = new Set<string>();

  constructor(private readonly d: SnapshotDeps) {
    this.t = snapshotTranslator(d.lang);
  }

  onRequest(callId: string, requestId: string): void {
    if (this.pending.has(requestId)) return;
    this.pending.add(requestId);
    void this.answer(callId, requestId).finally(() => this.pending.delete(requestId));
  }

  private async answer(callId: string, requestId: string): Promise<void> {
    const local = this.d.local();
    // Another tab of this visitor holds the call's media (or none does): that one answers.
    if (!local) return;
    const track = local.getVideoTracks()[0];
    if (!track || track.readyState !== 'live' || !track.enabled || this.d.cameraOff()) {
      this.say(this.t('snapshotNoCamera'));
      return;
    }
    this.busy = true;
    toast(this.t('snapshotTaking'));
    try {
      const t0 = performance.now();
      const still = await captureStill(track);
      const t1 = performance.now();
      flashScreen();
      const recordingId = await this.upload(callId, requestId, still.blob);
      const t2 = performance.now();
      localStills.set(recordingId, {
        url: URL.createObjectURL(still.blob),
        width: still.width,
        height: still.height,
        bytes: still.blob.size,
        via: still.via,
        captureMs: Math.round(t1 - t0),
        uploadMs: Math.round(t2 - t1),
      });
      this.say(this.t('snapshotSent'));
    } catch (e) {
      console.warn('[visavis] snapshot failed', e);
      this.say(this.t('snapshotFailed'));
    } finally {
      this.busy = false;
      this.d.onChange();
    }
  }

  /** On the call screen (toast) and in the chat (notice), whichever is on screen. */
  private say(text: string): void {
    toast(text);
    this.d.notice.show(text);
  }

  /** The raw image as the body, authenticated with the visitor's token; answers the recording id. */
  private async upload(callId: string, requestId: string, blob: Blob): Promise<string> {
    const path = `/api/calls/${encodeURIComponent(callId)}/snapshots?requestId=${encodeURIComponent(requestId)}`;
    const headers: Record<string, string> = { 'content-type': blob.type || 'image/jpeg' };
    const token = await this.d.api.freshToken().catch(() => this.d.api.token);
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetchWithTimeout(UPLOAD_TIMEOUT_MS)(path, { method: 'POST', headers, body: blob });
    const body = (await res.json().catch(() => null)) as (Partial<SnapshotAnswer> & { error?: Partial<ErrorBody> }) | null;
    if (!res.ok || !body?.snapshot?.recordingId) {
      throw new VisavisError((body?.error?.code ?? 'INTERNAL') as never, body?.error?.message ?? `HTTP ${res.status}`, res.status);
    }
    return body.snapshot.recordingId;
  }
}
