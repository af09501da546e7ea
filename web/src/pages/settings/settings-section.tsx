import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, type FormInstance } from 'antd';
import { type ReactNode, useState } from 'react';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { WorkspaceSettings } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { clearFieldErrors, fieldPath, showFieldErrors } from './field-errors.ts';

/** A form over part of the workspace settings: its form values and the dotted paths it saves. */
export interface SectionProps<V> {
  title: string;
  /** The form's values from the settings (money in major units, as the reader types it). */
  initial: (settings: WorkspaceSettings) => V;
  /** The `PATCH /workspace/settings` body: dotted setting paths and their values. */
  toBody: (values: V, settings: WorkspaceSettings) => Record<string, unknown>;
  /** Where a server field goes in the form, when not at its own path (money lists, renamed parts). */
  mapField?: (field: string) => (string | number)[];
  children: (form: FormInstance<V>, settings: WorkspaceSettings) => ReactNode;
}

/**
 * A card of settings: everyone reads them, admins change and save them; a refused value is shown
 * on its own field, in words, as the server named it.
 */
export function SettingsSection<V extends object>(props: SectionProps<V>) {
  const settings = useApi<WorkspaceSettings>('/workspace/settings');
  return (
    <Card title={props.title} style={{ marginBottom: 16 }}>
      <Loaded query={settings}>{(s) => <SectionForm {...props} settings={s} />}</Loaded>
    </Card>
  );
}

function SectionForm<V extends object>({
  initial,
  toBody,
  mapField,
  children,
  settings,
}: SectionProps<V> & { settings: WorkspaceSettings }) {
  const { t } = useI18n();
  const { isAdmin } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<V>();
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (values: V) => {
    setProblem(null);
    clearFieldErrors(form);
    try {
      await api('PATCH', '/workspace/settings', toBody(values, settings));
      message.success(t('settings.saved'));
      await client.invalidateQueries({ queryKey: ['/workspace/settings'] });
    } catch (error) {
      if (!showFieldErrors(form, error, t, mapField ?? ((f) => fieldPath(f))))
        setProblem(t('settings.save_failed'));
    }
  };
  return (
    <Form<V>
      form={form}
      layout="vertical"
      style={{ maxWidth: 960 }}
      disabled={!isAdmin}
      initialValues={initial(settings)}
      onFinish={(v) => void save(v)}
    >
      {children(form, settings)}
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
      {isAdmin && (
        <div>
          <Button type="primary" htmlType="submit">
            {t('common.save')}
          </Button>
        </div>
      )}
    </Form>
  );
}
