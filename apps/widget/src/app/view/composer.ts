import { LIMITS } from '@visavis/protocol';
import type { Translate } from '../i18n.js';
import { ACCEPT_ATTRIBUTE } from '../files.js';
import { el, icon } from './dom.js';

export interface ComposerActions {
  send(text: string): boolean;
  sendFile(file: File): void;
  input(hasText: boolean): void;
}

/**
 * Text box, attach and send. Enter sends and Shift+Enter adds a newline, except while an IME
 * is composing (Chinese input uses Enter to pick candidates) and on touch devices, where the
 * on-screen keyboard's return key should insert a newline and the send button sends.
 */
export class Composer {
  readonly root: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly fileInput: HTMLInputElement;

  constructor(t: Translate, private readonly actions: ComposerActions) {
    this.textarea = el('textarea', {
      class: 'vv-input',
      'data-testid': 'chat-input',
      rows: 1,
      placeholder: t('inputPlaceholder'),
      'aria-label': t('inputLabel'),
      maxlength: LIMITS.textMessageChars,
      enterkeyhint: 'send',
      autocomplete: 'off',
    });
    this.fileInput = el('input', {
      type: 'file',
      class: 'vv-file-input',
      'data-testid': 'file-input',
      accept: ACCEPT_ATTRIBUTE,
      tabindex: -1,
      'aria-hidden': 'true',
    });
    const attach = el('button', { type: 'button', class: 'vv-icon-btn vv-attach', 'aria-label': t('attach'), title: t('attach') }, icon('attach'));
    this.sendButton = el('button', { type: 'button', class: 'vv-send', 'data-testid': 'send-button', 'aria-label': t('send'), title: t('send') }, icon('send', 20));
    this.root = el('form', { class: 'vv-composer', autocomplete: 'off' }, attach, this.fileInput, this.textarea, this.sendButton);

    attach.addEventListener('click', () => this.fileInput.click());
    this.fileInput.addEventListener('change', () => {
      for (const file of Array.from(this.fileInput.files ?? [])) this.actions.sendFile(file);
      this.fileInput.value = ''; // allow choosing the same file again
    });
    this.textarea.addEventListener('input', () => {
      this.autosize();
      this.updateButton();
      this.actions.input(this.textarea.value.trim().length > 0);
    });
    this.textarea.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
      if (isTouchOnly()) return;
      e.preventDefault();
      this.submit();
    });
    this.sendButton.addEventListener('click', () => this.submit());
    this.root.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.updateButton();
  }

  setEnabled(enabled: boolean): void {
    this.textarea.disabled = !enabled;
    this.fileInput.disabled = !enabled;
    this.updateButton();
  }

  focus(): void {
    // Focusing on touch devices pops the keyboard up uninvited; only do it with a mouse.
    if (!isTouchOnly()) this.textarea.focus({ preventScroll: true });
  }

  private submit(): void {
    const text = this.textarea.value;
    if (!text.trim()) return;
    if (this.actions.send(text)) {
      this.textarea.value = '';
      this.autosize();
      this.updateButton();
    }
    this.focus();
  }

  private updateButton(): void {
    this.sendButton.disabled = this.textarea.disabled || this.textarea.value.trim().length === 0;
  }

  private autosize(): void {
    this.textarea.style.height = 'auto';
    this.textarea.style.height = `${Math.min(this.textarea.scrollHeight, 140)}px`;
  }
}

function isTouchOnly(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(hover: none) and (pointer: coarse)').matches;
}
