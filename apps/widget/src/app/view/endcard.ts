import { LIMITS } from '@visavis/protocol';
import type { Translate } from '../i18n.js';
import { el, icon, setText, show } from './dom.js';

export interface EndCardActions {
  submitCsat(score: number, comment: string): void;
  newConversation(): void;
}

/** Shown when the conversation is closed: a 1–5 star rating with optional comment, then "new". */
export class EndCard {
  readonly root: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly thanks: HTMLElement;
  private readonly stars: HTMLButtonElement[] = [];
  private readonly comment: HTMLTextAreaElement;
  private readonly submit: HTMLButtonElement;
  private readonly hint: HTMLElement;
  private score = 0;

  constructor(private readonly t: Translate, actions: EndCardActions) {
    const starRow = el('div', { class: 'vv-stars', role: 'radiogroup', 'aria-label': t('csatTitle') });
    for (let n = 1; n <= 5; n++) {
      const star = el(
        'button',
        { type: 'button', class: 'vv-star', role: 'radio', 'aria-checked': 'false', 'data-testid': `csat-star-${n}`, 'aria-label': t('csatStar', { n }) },
        icon('star', 32),
      );
      star.addEventListener('click', () => this.choose(n));
      this.stars.push(star);
      starRow.append(star);
    }
    this.comment = el('textarea', {
      class: 'vv-csat-comment',
      rows: 2,
      maxlength: LIMITS.csatCommentChars,
      placeholder: t('csatCommentPlaceholder'),
      'aria-label': t('csatCommentPlaceholder'),
    });
    this.submit = el('button', { type: 'submit', class: 'vv-primary', 'data-testid': 'csat-submit' }, t('csatSubmit'));
    this.hint = el('div', { class: 'vv-csat-hint', role: 'status' });
    this.form = el('form', { class: 'vv-csat', 'data-testid': 'csat-form' }, el('p', { class: 'vv-csat-title' }, t('csatTitle')), starRow, this.comment, this.hint, this.submit);
    this.thanks = el('p', { class: 'vv-csat-thanks', 'data-testid': 'csat-thanks', role: 'status' }, t('csatThanks'));
    const again = el('button', { type: 'button', class: 'vv-secondary', 'data-testid': 'new-conversation' }, t('newConversation'));

    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!this.score) {
        setText(this.hint, this.t('csatChooseScore'));
        return;
      }
      actions.submitCsat(this.score, this.comment.value.trim());
    });
    again.addEventListener('click', () => actions.newConversation());

    this.root = el('section', { class: 'vv-endcard', 'aria-live': 'polite' }, el('h2', { class: 'vv-endcard-title' }, t('endedTitle')), this.form, this.thanks, again);
  }

  /** `rated`: a score exists already (this session or an earlier one). */
  update(rated: boolean, submitting: boolean): void {
    show(this.form, !rated);
    show(this.thanks, rated);
    this.submit.disabled = submitting;
  }

  reset(): void {
    this.score = 0;
    this.comment.value = '';
    setText(this.hint, '');
    this.paintStars();
  }

  private choose(n: number): void {
    this.score = n;
    setText(this.hint, '');
    this.paintStars();
  }

  private paintStars(): void {
    this.stars.forEach((star, i) => {
      const on = i < this.score;
      star.classList.toggle('vv-star--on', on);
      star.setAttribute('aria-checked', String(i + 1 === this.score));
    });
  }
}
