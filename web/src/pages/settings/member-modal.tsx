import { useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Modal, Select } from 'antd';
import { useState } from 'react';
import { ROLES, type Role } from '../../../../src/access/roles.ts';
import type { MemberBody, UserOut } from '../../../../src/api/access-schemas.ts';
import type { Store } from '../../../../src/stores/store-contract.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';
import { clearFieldErrors, showFieldErrors } from './field-errors.ts';

interface Values {
  role: Role;
  stores: string[];
  language: 'zh-CN' | 'en';
}

/** A member's role, stores (the task rule `store` assigns by them) and the language of their staff messages. */
export function MemberModal({ user, onClose }: { user: UserOut; onClose: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const stores = useApi<Store[]>('/stores');
  const { me } = useSession();
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string | null>(null);
  const self = user.email === me.user.label;
  const save = async (v: Values) => {
    setProblem(null);
    clearFieldErrors(form);
    try {
      const body: MemberBody = { stores: v.stores, language: v.language };
      if (v.role !== user.role) body.role = v.role;
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
        initialValues={{ role: user.role, stores: user.stores, language: user.language ?? 'zh-CN' }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item name="role" label={t('settings.role')} extra={self ? t('members.own_role') : undefined}>
          <Select
            aria-label={t('settings.role')}
            disabled={self}
            options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          />
        </Form.Item>
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
