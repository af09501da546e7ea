import { Card, Form, Select } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import { type RiseColour, setRiseColour, useRiseColour } from '../../lib/rise-colour.ts';

/** This browser's display choices: which colour a rising figure takes (red up by default in zh-CN). */
export function DisplayCard() {
  const { t, lang } = useI18n();
  const rise = useRiseColour(lang);
  return (
    <Card title={t('settings.display')} style={{ marginTop: 16 }}>
      <Form layout="inline">
        <Form.Item label={t('settings.rise_colour')} htmlFor="rise-colour">
          <Select<RiseColour>
            id="rise-colour"
            value={rise}
            onChange={setRiseColour}
            options={[
              { value: 'red', label: t('settings.rise_red') },
              { value: 'green', label: t('settings.rise_green') },
            ]}
            style={{ width: 220 }}
          />
        </Form.Item>
      </Form>
    </Card>
  );
}
