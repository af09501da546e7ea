import { useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Modal, Select } from 'antd';
import { useState } from 'react';
import type { MemberBody, UserOut } from '../../../../src/api/access-schemas.ts';
import type { Store } from '../../../../src/stores/store-contract.ts';
import { api } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';
import { clearFieldErrors, showFieldErrors } from './field-errors.ts';

/** A member's stores (the task rule `store` assigns by them) and the language of their staff messages. */
export function MemberModal({ user, onClose }: { user: UserOut; onClose: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const stores = useApi<Store[]>('/stores');
  const [form] = Form.useForm<{ stores: string[]; language: 'zh-CN' | 'en' }>();
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (v: { stores: string[]; language: 'zh-CN' | 'en' }) => {
    setProblem(null);
    clearFieldErrors(form);
    try {
      const body: MemberBody = { stores: v.stores, language: v.language };
      await api('PATCH', `/users/${user.id}`, body);
      await client.invalidateQueries({ queryKey: ['/users'] });
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, t)) setProblem(t('settings.save_failed'));
    }
  };
  return (
    <Modal
      open
      title={t('members.edit_title', { email: user.email })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ stores: user.stores, language: user.language ?? 'zh-CN' }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item name="stores" label={t('members.stores')} extra={t('members.stores_hint')}>
          <Select
            mode="tags"
            aria-label={t('members.stores')}
            options={(stores.data ?? [])
              .filter((s) => s.active)
              .map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
          />
        </Form.Item>
        <Form.Item name="language" label={t('members.language')}>
          <Select
            aria-label={t('members.language')}
            options={[
              { value: 'zh-CN', label: t('members.lang_zh') },
              { value: 'en', label: t('members.lang_en') },
            ]}
          />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}
