import { useRef, useState, type ChangeEvent, type ClipboardEvent, type KeyboardEvent } from 'react';
import { ALLOWED_UPLOAD_TYPES, LIMITS } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import { formatBytes } from '../lib/format.js';
import { useStore } from '../store/context.js';
import { PaperclipIcon } from './Icons.js';

interface Props {
  conversationId: string;
  disabled: boolean;
}

/**
 * Reply box. Enter sends, Shift+Enter adds a line; IME composition (Chinese input) is
 * respected, so Enter that confirms a candidate does not send half a sentence.
 */
export function Composer({ conversationId, disabled }: Props) {
  const { t } = useI18n();
  const store = useStore();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const tooLong = text.length > LIMITS.textMessageChars;

  const send = () => {
    if (disabled || !text.trim() || tooLong) return;
    store.outbox.sendText(conversationId, text);
    setText('');
    setProblem(null);
    inputRef.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      send();
    }
  };

  const onChange = (e: ChangeEvent<HTMLTextAreaElement>) => {
    setText(e.target.value);
    store.setTyping(conversationId, e.target.value.length > 0);
  };

  const sendFiles = (files: Iterable<File>) => {
    for (const f of files) {
      const p = store.outbox.sendFile(conversationId, f);
      setProblem(p);
      if (p) break;
    }
  };

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    if (e.target.files) sendFiles(Array.from(e.target.files));
    e.target.value = ''; // allow picking the same file again
  };

  // Pasting a screenshot is the most common way agents share images.
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(e.clipboardData.files);
    if (files.length && !disabled) {
      e.preventDefault();
      sendFiles(files);
    }
  };

  return (
    <div className={`composer ${disabled ? 'disabled' : ''}`}>
      {(problem || tooLong) && (
        <div className="composer-problem" role="alert">
          {tooLong
            ? t('chat.tooLong', { n: text.length, max: LIMITS.textMessageChars })
            : t(problem!, { max: formatBytes(LIMITS.uploadBytes) })}
        </div>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="btn btn-icon"
          title={t('chat.attach')}
          aria-label={t('chat.attach')}
          disabled={disabled}
          onClick={() => fileRef.current?.click()}
        >
          <PaperclipIcon />
        </button>
        <input
          ref={fileRef}
          className="visually-hidden"
          data-testid="file-input"
          type="file"
          accept={ALLOWED_UPLOAD_TYPES.join(',')}
          disabled={disabled}
          onChange={onFile}
          tabIndex={-1}
        />
        <textarea
          ref={inputRef}
          className="composer-input"
          data-testid="chat-input"
          rows={2}
          placeholder={disabled ? t('chat.placeholderClosed') : t('chat.placeholder')}
          value={text}
          disabled={disabled}
          onChange={onChange}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => store.setTyping(conversationId, false)}
          aria-label={t('chat.placeholder')}
        />
        <button
          type="button"
          className="btn btn-primary"
          data-testid="send-button"
          disabled={disabled || !text.trim() || tooLong}
          onClick={send}
        >
          {t('chat.send')}
        </button>
      </div>
    </div>
  );
}
