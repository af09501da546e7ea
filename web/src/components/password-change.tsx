import { App, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../src/access/access-policy.ts';
import type { PasswordChangeBody } from '../../../src/api/access-schemas.ts';
import { ApiError, api } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** The header's 修改密码 button: a form for the current and a new password; other sessions end. */
export function PasswordChange() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<PasswordChangeBody & { confirm: string }>();
  const submit = async (values: PasswordChangeBody & { confirm: string }) => {
    setSaving(true);
    try {
      await api('POST', '/auth/password', {
        current_password: values.current_password,
        new_password: values.new_password,
      } satisfies PasswordChangeBody);
      message.success(t('password.changed'));
      form.resetFields();
      setOpen(false);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 429) message.error(t('password.too_many'));
      const fields = new Set(error.fields?.map((f) => f.field));
      form.setFields([
        ...(fields.has('body.current_password')
          ? [{ name: 'current_password' as const, errors: [t('password.wrong_current')] }]
          : []),
        ...(fields.has('body.new_password')
          ? [
              {
                name: 'new_password' as const,
                errors: [
                  values.new_password === values.current_password
                    ? t('password.same')
                    : t('password.rule', { n: MIN_PASSWORD_LENGTH }),
                ],
              },
            ]
          : []),
      ]);
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('password.change')}</Button>
      <Modal
        title={t('password.change')}
        open={open}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={saving}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item
            name="current_password"
            label={t('password.current')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="new_password"
            label={t('password.new')}
            rules={[
              {
                required: true,
                min: MIN_PASSWORD_LENGTH,
                message: t('password.rule', { n: MIN_PASSWORD_LENGTH }),
              },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('password.confirm')}
            dependencies={['new_password']}
            rules={[
              { required: true, message: t('form.required') },
              ({ getFieldValue }) => ({
                validator: (_rule, value) =>
                  value === getFieldValue('new_password')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('password.mismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
