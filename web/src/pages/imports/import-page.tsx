import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Progress, Select, Space, Table } from 'antd';
import { useId, useState } from 'react';
import { api, downloadUrl } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { FileButton } from '../../components/file-button.tsx';
import { PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { ImportJob as Job } from '../../lib/types.ts';
import { type ColumnChoices, ImportMapping } from './import-mapping.tsx';

const KINDS = ['customers', 'orders', 'order-lines', 'events', 'service-records'] as const;
type Kind = (typeof KINDS)[number];

/** Upload a CSV/TSV/XLSX file, follow its progress, read its error report and download the rejected rows. */
export function ImportPage() {
  const { t, lang } = useI18n();
  const { canWrite } = useSession();
  const fileId = useId();
  const [kind, setKind] = useState<Kind>('orders');
  const [file, setFile] = useState<File | null>(null);
  const [choices, setChoices] = useState<ColumnChoices>({});
  const [jobId, setJobId] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const job = useQuery({
    queryKey: ['import', jobId],
    queryFn: () => api<Job>('GET', `/imports/${jobId}`),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 500 : false),
  });
  const upload = async () => {
    if (!file) return;
    const body = new FormData();
    body.append('file', file);
    const map = Object.keys(choices).length ? `&map=${encodeURIComponent(JSON.stringify(choices))}` : '';
    setUploading(true);
    setUploadError(null);
    try {
      // Row errors come back in the dashboard's language.
      const started = await api<Job>('POST', `/imports?kind=${kind}&lang=${lang}${map}`, body);
      setJobId(started.id);
    } catch (error) {
      setUploadError((error as Error).message);
    } finally {
      setUploading(false);
    }
  };

  return (
    <>
      <PageTitle title={t('nav.import')} />
      <Card>
        {!canWrite && (
          <Alert type="info" showIcon title={t('import.read_only')} style={{ marginBottom: 12 }} />
        )}
        <Form layout="inline" style={{ rowGap: 12 }}>
          <Form.Item label={t('import.kind')} htmlFor="import-kind">
            <Select
              id="import-kind"
              value={kind}
              onChange={(k) => {
                setKind(k);
                setChoices({});
              }}
              options={KINDS.map((k) => ({ value: k, label: t(`import.kind.${k}` as MessageKey) }))}
              style={{ width: 160 }}
            />
          </Form.Item>
          <Form.Item label={t('import.template')}>
            <Space>
              {(['csv', 'xlsx'] as const).map((format) => (
                <Button
                  key={format}
                  size="small"
                  href={downloadUrl('/imports/template', { kind, format, lang })}
                  download
                >
                  {t(`import.template.${format}`)}
                </Button>
              ))}
            </Space>
          </Form.Item>
          <Form.Item label={t('import.file')} htmlFor={fileId}>
            <FileButton
              id={fileId}
              accept=".csv,.tsv,.txt,.gz,.xlsx"
              label={t('import.file')}
              onFile={(f) => {
                setFile(f);
                setChoices({});
                setJobId(null);
              }}
            />
          </Form.Item>
        </Form>
        {file && canWrite && (
          <ImportMapping
            kind={kind}
            file={file}
            choices={choices}
            onChange={setChoices}
            onKind={(k) => {
              setKind(k as Kind);
              setChoices({});
            }}
          />
        )}
        <Button
          type="primary"
          style={{ marginTop: 12 }}
          onClick={() => void upload()}
          loading={uploading}
          disabled={!canWrite || !file}
        >
          {t('import.upload')}
        </Button>
        {uploadError && (
          <Alert type="error" showIcon title={uploadError} style={{ marginTop: 12 }} role="alert" />
        )}
      </Card>
      {job.data && <JobReport job={job.data} />}
    </>
  );
}

const STATS = [
  'read',
  'inserted',
  'updated',
  'unchanged',
  'merged',
  'rejected',
  'guest',
  'identical_lines',
  'superseded_rows',
  'item_rows',
  'masked_identities',
] as const;
/** Shown only when not zero: they explain rows that were not loaded one for one. */
const OPTIONAL_STATS = new Set<string>([
  'identical_lines',
  'superseded_rows',
  'item_rows',
  'masked_identities',
]);

function JobReport({ job }: { job: Job }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const percent = job.progress.total_bytes
    ? Math.round((100 * job.progress.bytes_read) / job.progress.total_bytes)
    : 0;
  const s = job.stats;
  return (
    <Card title={job.file_name} style={{ marginTop: 16 }} aria-live="polite">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Progress
          percent={job.status === 'running' ? percent : 100}
          status={job.status === 'failed' ? 'exception' : job.status === 'running' ? 'active' : 'success'}
          aria-label={t('import.progress')}
        />
        <div data-import-status={job.status} data-import-phase={job.progress.phase}>
          {job.status === 'running'
            ? t(`import.phase.${job.progress.phase}` as MessageKey, { rows: fmt.number(job.progress.rows) })
            : t(`import.status.${job.status}` as MessageKey)}
        </div>
        {job.error && <Alert type="error" showIcon title={job.error} />}
        {s && (
          <Descriptions
            size="small"
            column={{ xs: 2, md: 4 }}
            items={STATS.filter((k) => !OPTIONAL_STATS.has(k) || s[k] > 0).map((k) => ({
              key: k,
              label: t(`import.stat.${k}` as MessageKey),
              children: <span data-stat={k}>{fmt.number(s[k])}</span>,
            }))}
          />
        )}
        {s && s.rejected > 0 && (
          <>
            <Table
              rowKey={(e) => `${e.line}-${e.column}`}
              size="small"
              caption={t('import.errors')}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={s.errors}
              columns={[
                { title: t('import.line'), dataIndex: 'line', align: 'right' },
                { title: t('import.column'), dataIndex: 'column' },
                { title: t('import.reason'), dataIndex: 'reason' },
              ]}
            />
            <Button href={downloadUrl(`/imports/${job.id}/rejects`)} download>
              {t('import.download_rejects')}
            </Button>
          </>
        )}
      </Space>
    </Card>
  );
}
