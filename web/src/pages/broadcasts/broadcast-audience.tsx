import {
  Alert,
  Button,
  Checkbox,
  Form,
  type FormInstance,
  Input,
  Segmented,
  Select,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { FileButton } from '../../components/file-button.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { newRule, type Rule } from '../segments/segment-rule.ts';
import { RuleEditor } from '../segments/segment-rule-editor.tsx';
import {
  ENTRY_KINDS,
  type EntryKind,
  kindOfHeader,
  type ListPick,
  type ListRow,
  pickColumn,
  readListFile,
} from './list-file.ts';

/** A condition as the form holds it: the segment builder's rules and how they join. */
export interface ConditionValue {
  join: 'all' | 'any';
  rules: Rule[];
}

/** The condition of a broadcast, built with the segments page's rule editor. */
function ConditionField({
  value,
  onChange,
}: {
  value?: ConditionValue;
  onChange?: (v: ConditionValue) => void;
}) {
  const { t } = useI18n();
  const v = value ?? { join: 'all', rules: [newRule('field')] };
  const set = (changes: Partial<ConditionValue>) => onChange?.({ ...v, ...changes });
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-audience-condition>
      <Segmented
        aria-label={t('segments.join')}
        value={v.join}
        onChange={(join) => set({ join: join as 'all' | 'any' })}
        options={[
          { value: 'all', label: t('segments.all') },
          { value: 'any', label: t('segments.any') },
        ]}
      />
      {v.rules.map((rule, i) => (
        <RuleEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: rules are edited in place, never reordered
          key={i}
          rule={rule}
          index={i}
          onChange={(next) => set({ rules: v.rules.map((r, j) => (j === i ? next : r)) })}
          onRemove={() => set({ rules: v.rules.filter((_, j) => j !== i) })}
        />
      ))}
      <Button onClick={() => set({ rules: [...v.rules, newRule('tag')] })}>{t('segments.add_rule')}</Button>
    </Space>
  );
}

/** A list read from a file: the column chosen, what it holds, whether the first row is the header. */
function ListFile<V extends { list?: string }>({ form }: { form: FormInstance<V> }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const [rows, setRows] = useState<ListRow[] | null>(null);
  const [column, setColumn] = useState(0);
  const [kind, setKind] = useState<EntryKind>('phone');
  const [header, setHeader] = useState(true);
  const [failed, setFailed] = useState(false);
  const [pick, setPick] = useState<ListPick | null>(null);
  const apply = (r: ListRow[], c: number, k: EntryKind, h: boolean) => {
    const picked = pickColumn(r, c, k, h);
    setPick(picked);
    form.setFieldValue('list' as never, picked.entries.join('\n') as never);
  };
  const read = async (file: File) => {
    setFailed(false);
    try {
      const r = await readListFile(file);
      const heads = r[0]?.cells ?? [];
      const guess = heads.findIndex((h) => kindOfHeader(h) !== null);
      const c = Math.max(0, guess);
      const k = kindOfHeader(heads[c] ?? '') ?? 'phone';
      setRows(r);
      setColumn(c);
      setKind(k);
      setHeader(guess >= 0);
      apply(r, c, k, guess >= 0);
    } catch {
      setRows(null);
      setPick(null);
      setFailed(true);
    }
  };
  const width = Math.max(0, ...(rows ?? []).slice(0, 50).map((r) => r.cells.length));
  const heads = rows?.[0]?.cells ?? [];
  const shown = pick?.rejected.slice(0, 20) ?? [];
  return (
    <>
      <Form.Item label={t('broadcasts.list_file')}>
        <FileButton
          accept=".csv,.txt,.xlsx"
          label={t('broadcasts.list_file')}
          choose={t('broadcasts.list_choose')}
          onFile={(file) => {
            if (file) void read(file);
          }}
        />
      </Form.Item>
      {failed && <Alert type="error" showIcon role="alert" title={t('broadcasts.list_unreadable')} />}
      {rows && (
        <Space wrap align="start">
          <Form.Item label={t('broadcasts.list_column')}>
            <Select
              aria-label={t('broadcasts.list_column')}
              value={column}
              style={{ minWidth: 180 }}
              onChange={(c) => {
                setColumn(c);
                apply(rows, c, kind, header);
              }}
              options={Array.from({ length: width }, (_, i) => ({
                value: i,
                label: header && heads[i] ? heads[i] : t('broadcasts.list_column_n', { n: i + 1 }),
              }))}
            />
          </Form.Item>
          <Form.Item label={t('broadcasts.list_kind')}>
            <Select
              aria-label={t('broadcasts.list_kind')}
              value={kind}
              style={{ minWidth: 140 }}
              onChange={(k) => {
                setKind(k);
                apply(rows, column, k, header);
              }}
              options={ENTRY_KINDS.map((k) => ({ value: k, label: t(`broadcasts.list_kind.${k}`) }))}
            />
          </Form.Item>
          <Form.Item label=" ">
            <Checkbox
              checked={header}
              onChange={(e) => {
                setHeader(e.target.checked);
                apply(rows, column, kind, e.target.checked);
              }}
            >
              {t('broadcasts.list_header')}
            </Checkbox>
          </Form.Item>
        </Space>
      )}
      {pick && (
        <Alert
          type={pick.rejected.length ? 'warning' : 'success'}
          showIcon
          style={{ marginBottom: 24 }}
          data-list-read
          title={t('broadcasts.list_read', {
            read: fmt.number(pick.entries.length),
            rejected: fmt.number(pick.rejected.length),
          })}
          description={
            shown.length > 0 && (
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {shown.map((r) => (
                  <li key={r.line} data-rejected-line={r.line}>
                    {t('broadcasts.list_rejected_line', {
                      line: r.line,
                      value: r.value || '—',
                      why: t(`broadcasts.list_reject.${r.reason}`),
                    })}
                  </li>
                ))}
                {pick.rejected.length > shown.length && (
                  <Typography.Text type="secondary">
                    {t('broadcasts.list_more', { n: fmt.number(pick.rejected.length - shown.length) })}
                  </Typography.Text>
                )}
              </ul>
            )
          }
        />
      )}
    </>
  );
}

/** Who a broadcast goes to: a saved segment, a condition, or a list (typed or read from a file). */
export function AudienceFields<V extends { list?: string }>({
  form,
  audience,
  segments,
}: {
  form: FormInstance<V>;
  audience: 'segment' | 'condition' | 'list' | undefined;
  segments: string[];
}) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item name="audience" label={t('broadcasts.audience')}>
        <Segmented
          options={[
            { value: 'segment', label: t('broadcasts.audience_segment') },
            { value: 'condition', label: t('broadcasts.audience_condition') },
            { value: 'list', label: t('broadcasts.audience_list') },
          ]}
        />
      </Form.Item>
      {audience === 'list' && (
        <>
          <Form.Item name="list" label={t('broadcasts.list')}>
            <Input.TextArea rows={4} />
          </Form.Item>
          <ListFile form={form} />
        </>
      )}
      {audience === 'condition' && (
        <Form.Item name="condition" label={t('broadcasts.condition')}>
          <ConditionField />
        </Form.Item>
      )}
      {audience === 'segment' && (
        <Form.Item name="segment" label={t('broadcasts.segment')}>
          <Select showSearch options={segments.map((s) => ({ value: s, label: s }))} />
        </Form.Item>
      )}
    </>
  );
}
