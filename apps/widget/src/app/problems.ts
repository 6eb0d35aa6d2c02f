import { VisavisError } from '@visavis/client';
import type { Translate } from './i18n.js';
import { MAX_UPLOAD_MB, type UploadProblem } from './files.js';

/**
 * Turns failures into the sentence the visitor reads. Server messages are never shown as-is:
 * they are English, technical, and not ours to trust; the stable error code picks our text.
 */
export function describeFailure(e: unknown, t: Translate, context: 'send' | 'upload' | 'other'): string {
  const code = e instanceof VisavisError ? e.code : null;
  switch (code) {
    case 'RATE_LIMITED':
      return t('rateLimited');
    case 'CONVERSATION_CLOSED':
      return t('conversationClosedError');
    case 'PAYLOAD_TOO_LARGE':
      return t('fileTooLarge', { max: MAX_UPLOAD_MB });
    case 'UNSUPPORTED_MEDIA_TYPE':
      return t('fileTypeNotAllowed');
    case 'QUOTA_EXCEEDED':
      return t('uploadQuota');
    default:
      return context === 'upload' ? t('uploadFailed') : t('failed');
  }
}

export function describeUploadProblem(problem: UploadProblem, t: Translate): string {
  return problem === 'tooLarge' ? t('fileTooLarge', { max: MAX_UPLOAD_MB }) : problem === 'empty' ? t('uploadFailed') : t('fileTypeNotAllowed');
}
