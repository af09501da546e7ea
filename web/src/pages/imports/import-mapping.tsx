import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Select, Table, Tag, Typography } from 'antd';
import { api } from '../../api/client.ts';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { DetectedColumns as Detected } from '../../lib/types.ts';

/** The field → column choices a person made that differ from what was detected ('' = leave out). */
export type ColumnChoices = Record<string, string>;

/** Enough of a delimited file for its header and a sample row; Excel and gzip files go whole. */
const HEAD_BYTES = 256 * 1024;
const headOf = (file: File) => (/\.(csv|tsv|txt)$/i.test(file.name) ? file.slice(0, HEAD_BYTES) : file);

/**
 * The columns of the chosen file matched to the kind's fields by their aliases (as the server
 * detects them), each changeable or left out, with a sample value beside every column. A file
 * recognised as a platform's export says so, starts from the mapping last confirmed for it, and
 * offers the kind it is usually imported as.
 */
export function ImportMapping({
  kind,
  file,
  choices,
  onChange,
  onKind,
}: {
  kind: string;
  file: File;
  choices: ColumnChoices;
  onChange: (next: ColumnChoices) => void;
  onKind: (kind: string) => void;
}) {
  const { t } = useI18n();
  const detected = useQuery({
    queryKey: ['import-columns', kind, file.name, file.size, file.lastModified],
    queryFn: () => {
      const body = new FormData();
      body.append('file', headOf(file), file.name);
      return api<Detected>('POST', `/imports/columns?kind=${kind}`, body);
    },
  });
  return (
    <Loaded query={detected}>
      {(d) => {
        const options = [
          { value: '', label: t('import.map.none') },
          ...d.columns.map((c, i) => ({
            value: c,
            label: d.sample[i] ? `${c} — ${t('import.map.example')} ${d.sample[i]}` : c,
          })),
        ];
        const chosen = (f: Detected['fields'][number]) =>
          f.field in choices ? choices[f.field]! : (f.column ?? '');
        const missing = d.fields.filter((f) => f.required && !chosen(f)).map((f) => f.field);
        return (
          <>
            {d.platform && <Recognised detected={d} kind={kind} onKind={onKind} />}
            <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
              {t('import.map.hint')}
            </Typography.Paragraph>
            {missing.length > 0 && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                title={`${t('import.map.missing')} ${missing.map((f) => fieldLabel(t, f)).join('、')}`}
              />
            )}
            <Table
              rowKey="field"
              size="small"
              pagination={false}
              scroll={{ x: true }}
              dataSource={d.fields}
              columns={[
                {
                  title: t('import.map.field'),
                  dataIndex: 'field',
                  render: (field: string, f) => (
                    <>
                      {fieldLabel(t, field)} <Typography.Text type="secondary">{field}</Typography.Text>
                      {f.required && <Tag style={{ marginLeft: 8 }}>{t('import.map.required')}</Tag>}
                    </>
                  ),
                },
                {
                  title: t('import.column'),
                  key: 'column',
                  render: (_: unknown, f) => (
                    <Select
                      aria-label={`${t('import.column')} ${fieldLabel(t, f.field)}`}
                      value={chosen(f)}
                      options={options}
                      showSearch={{ optionFilterProp: 'label' }}
                      style={{ minWidth: 240 }}
                      onChange={(v: string) => {
                        const next = { ...choices };
                        if (v === (f.column ?? '')) delete next[f.field];
                        else next[f.field] = v;
                        onChange(next);
                      }}
                    />
                  ),
                },
              ]}
            />
          </>
        );
      }}
    </Loaded>
  );
}

const fieldLabel = (t: (k: MessageKey) => string, name: string) => t(`import.field.${name}` as MessageKey);

/** 已识别为：有赞订单导出 — with the saved mapping said, and the usual kind offered when it differs. */
function Recognised({
  detected,
  kind,
  onKind,
}: {
  detected: Detected;
  kind: string;
  onKind: (k: string) => void;
}) {
  const { t } = useI18n();
  const p = detected.platform!;
  const name = `${t(`import.platform.${p.platform}` as MessageKey)}${t(`import.export.${p.export}` as MessageKey)}`;
  const usual = p.kinds.includes(kind) ? null : p.kinds[0];
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginTop: 12 }}
      data-platform={p.platform}
      title={t('import.detected', { name })}
      description={
        <>
          {detected.saved_mapping ? t('import.detected.saved') : t('import.detected.prefilled')}
          {usual && (
            <div style={{ marginTop: 8 }}>
              {t('import.detected.usual', { kind: t(`import.kind.${usual}` as MessageKey) })}{' '}
              <Button size="small" onClick={() => onKind(usual)}>
                {t('import.detected.switch', { kind: t(`import.kind.${usual}` as MessageKey) })}
              </Button>
            </div>
          )}
        </>
      }
    />
  );
}
