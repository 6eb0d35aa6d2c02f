import type { Translate } from '../i18n.js';
import type { OfflineInput, OfflineState } from '../queue.js';
import { el, icon, setText, show } from './dom.js';

/**
 * "We're closed now": leave a name, a way to reach you and a message; then a confirmation.
 * Everything typed stays in form fields and goes out as JSON; nothing is rendered as HTML.
 */
export class OfflineForm {
  readonly root: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly name: HTMLInputElement;
  private readonly contact: HTMLInputElement;
  private readonly text: HTMLTextAreaElement;
  private readonly submit: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly thanks: HTMLElement;

  constructor(t: Translate, onSend: (input: OfflineInput) => void) {
    const field = (label: string, input: HTMLElement) => el('label', { class: 'vv-field' }, el('span', { class: 'vv-field-label' }, label), input);
    this.name = el('input', { class: 'vv-field-input', 'data-testid': 'offline-name', autocomplete: 'name', maxlength: 100 });
    this.contact = el('input', {
      class: 'vv-field-input',
      'data-testid': 'offline-contact',
      autocomplete: 'email',
      maxlength: 200,
      placeholder: t('offlineContactHint'),
    });
    this.text = el('textarea', { class: 'vv-field-input vv-field-text', 'data-testid': 'offline-text', rows: 4, maxlength: 4000 });
    this.submit = el('button', { type: 'submit', class: 'vv-primary', 'data-testid': 'offline-send' }, t('offlineSend'));
    this.error = el('p', { class: 'vv-form-error', role: 'alert', 'data-testid': 'offline-error', hidden: true });
    this.form = el(
      'form',
      { class: 'vv-offline-form', 'data-testid': 'offline-form', novalidate: true },
      field(t('offlineName'), this.name),
      field(t('offlineContact'), this.contact),
      field(t('offlineMessage'), this.text),
      this.error,
      this.submit,
    );
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      onSend({ name: this.name.value, contact: this.contact.value, text: this.text.value });
    });
    this.thanks = el(
      'div',
      { class: 'vv-offline-thanks', 'data-testid': 'offline-thanks', role: 'status', hidden: true },
      el('div', { class: 'vv-offline-check', 'aria-hidden': 'true' }, '✓'),
      el('p', { class: 'vv-offline-thanks-title' }, t('offlineThanksTitle')),
      el('p', { class: 'vv-offline-thanks-text' }, t('offlineThanks')),
    );
    this.root = el(
      'section',
      { class: 'vv-offline', 'data-testid': 'offline-card', 'aria-live': 'polite' },
      el('div', { class: 'vv-offline-icon', 'aria-hidden': 'true' }, icon('moon', 26)),
      el('h2', { class: 'vv-offline-title' }, t('offlineTitle')),
      el('p', { class: 'vv-offline-hint' }, t('closedHint')),
      this.form,
      this.thanks,
    );
  }

  update(state: OfflineState, error: string | null): void {
    show(this.form, state !== 'sent');
    show(this.thanks, state === 'sent');
    this.submit.disabled = state === 'sending';
    show(this.error, error !== null);
    setText(this.error, error ?? '');
  }
}
