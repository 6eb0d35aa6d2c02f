import { useState } from 'react';
import type { BusinessHours, SkillGroup } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { ApiError, routingApi } from '../routing/api.js';
import { errorText } from '../routing/hooks.js';
import { validateHours } from '../routing/hours.js';
import { HoursEditor } from './HoursEditor.js';

interface Draft {
  name: string;
  memberIds: string[];
  hours: BusinessHours | null;
  overflowSeconds: string;
  overflowGroupId: string;
}

/** Create or edit one skill group: name, members, business hours, overflow. Validated before saving. */
export function GroupEditor({
  group,
  groups,
  agents,
  onSaved,
  onDeleted,
}: {
  group: SkillGroup | null;
  groups: readonly SkillGroup[];
  agents: readonly { id: string; name: string }[];
  onSaved: (g: SkillGroup) => void;
  onDeleted: () => void;
}) {
  const { t } = useI18n();
  const [d, setD] = useState<Draft>(() => ({
    name: group?.name ?? '',
    memberIds: group?.memberIds ?? [],
    hours: group?.hours ?? null,
    overflowSeconds: group?.overflowAfterMs ? String(Math.round(group.overflowAfterMs / 1000)) : '',
    overflowGroupId: group?.overflowGroupId ?? '',
  }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const set = (p: Partial<Draft>) => {
    setD((x) => ({ ...x, ...p }));
    setOk(false);
  };

  const hourProblems = d.hours ? validateHours(d.hours) : [];
  const overflowSecs = Number(d.overflowSeconds);
  const problems: string[] = [];
  if (!d.name.trim()) problems.push(t('groups.err.name'));
  if (d.name.trim().length > 100) problems.push(t('groups.err.nameLong'));
  if (hourProblems.length) problems.push(t('groups.err.hours'));
  if (d.overflowGroupId && !(Number.isInteger(overflowSecs) && overflowSecs >= 1 && overflowSecs <= 86_400))
    problems.push(t('groups.err.overflowAfter'));
  if (!d.overflowGroupId && d.overflowSeconds.trim()) problems.push(t('groups.err.overflowGroup'));

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const { group: savedGroup } = await routingApi.saveGroup(group?.id ?? null, {
        name: d.name.trim(),
        memberIds: d.memberIds,
        hours: d.hours,
        overflowAfterMs: d.overflowGroupId ? overflowSecs * 1000 : null,
        overflowGroupId: d.overflowGroupId || null,
      });
      setOk(true);
      onSaved(savedGroup);
    } catch (e) {
      setError(
        errorText(e, t) +
          (e instanceof ApiError && e.code !== 'VALIDATION_FAILED' && e.message ? ` ${e.message}` : ''),
      );
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    try {
      await routingApi.deleteGroup(group!.id);
      setConfirmDelete(false);
      onDeleted();
    } catch (e) {
      setError(errorText(e, t));
      setConfirmDelete(false);
    }
  };

  return (
    <form
      className="form"
      data-testid="group-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (problems.length === 0) void save();
      }}
    >
      <h3 className="card-title">{group ? t('groups.edit', { name: group.name }) : t('groups.new')}</h3>
      <label className="field">
        <span>{t('groups.name')}</span>
        <input
          className="input"
          data-testid="group-name"
          value={d.name}
          maxLength={100}
          onChange={(e) => set({ name: e.target.value })}
        />
      </label>
      <fieldset className="fieldset">
        <legend>{t('groups.members')}</legend>
        <div className="chips">
          {agents.map((a) => (
            <label key={a.id} className={`chip chip-check ${d.memberIds.includes(a.id) ? 'on' : ''}`}>
              <input
                type="checkbox"
                data-testid="group-member"
                checked={d.memberIds.includes(a.id)}
                onChange={(e) =>
                  set({
                    memberIds: e.target.checked
                      ? [...d.memberIds, a.id]
                      : d.memberIds.filter((x) => x !== a.id),
                  })
                }
              />
              {a.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('groups.hours')}</legend>
        <HoursEditor hours={d.hours} problems={hourProblems} onChange={(hours) => set({ hours })} />
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('groups.overflow')}</legend>
        <div className="form-row inline-sentence">
          <span>{t('groups.overflowAfter')}</span>
          <input
            className="input input-num"
            type="number"
            min={1}
            max={86400}
            data-testid="group-overflow-seconds"
            value={d.overflowSeconds}
            onChange={(e) => set({ overflowSeconds: e.target.value })}
          />
          <span>{t('groups.overflowTo')}</span>
          <select
            className="select"
            data-testid="group-overflow-group"
            value={d.overflowGroupId}
            onChange={(e) => set({ overflowGroupId: e.target.value })}
          >
            <option value="">{t('groups.noOverflow')}</option>
            {groups
              .filter((g) => g.id !== group?.id)
              .map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
          </select>
        </div>
      </fieldset>
      {problems.length > 0 && (
        <ul className="form-problems" data-testid="group-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="group-error">
          {error}
        </p>
      )}
      <div className="row-actions">
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="group-save"
          disabled={busy || problems.length > 0}
        >
          {t('admin.save')}
        </button>
        {ok && <span className="form-ok">{t('admin.saved')}</span>}
        {group && (
          <button
            type="button"
            className="btn btn-danger-outline push-right"
            data-testid="group-delete"
            onClick={() => setConfirmDelete(true)}
          >
            {t('admin.delete')}
          </button>
        )}
      </div>
      {confirmDelete && (
        <ConfirmDialog
          title={t('groups.deleteTitle', { name: group!.name })}
          body={t('groups.deleteBody')}
          confirmLabel={t('admin.delete')}
          cancelLabel={t('chat.cancel')}
          error={null}
          onConfirm={remove}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </form>
  );
}
