import { useQuery } from '@tanstack/react-query';
import { Alert, Select, Table, Tag, Typography } from 'antd';
import { api } from '../api/client.ts';
import { Loaded } from '../components/page.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages-zh-cn.ts';
import type { DetectedColumns as Detected } from '../lib/types.ts';

/** The field → column choices a person made that differ from what was detected ('' = leave out). */
export type ColumnChoices = Record<string, string>;

/** Enough of a delimited file for its header and a sample row; Excel and gzip files go whole. */
const HEAD_BYTES = 256 * 1024;
const headOf = (file: File) => (/\.(csv|tsv|txt)$/i.test(file.name) ? file.slice(0, HEAD_BYTES) : file);

/**
 * The columns of the chosen file matched to the kind's fields by their aliases (as the server
 * detects them), each changeable or left out, with a sample value beside every column.
 */
export function ImportMapping({
  kind,
  file,
  choices,
  onChange,
}: {
  kind: string;
  file: File;
  choices: ColumnChoices;
  onChange: (next: ColumnChoices) => void;
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
