import { Button, List, Space, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';

/** A list put in order with up and down buttons (a form control: `value` and `onChange`). */
export function OrderedList({
  value = [],
  onChange,
  label,
  disabled,
}: {
  value?: string[];
  onChange?: (next: string[]) => void;
  label: (item: string) => string;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const move = (from: number, to: number) => {
    const next = [...value];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange?.(next);
  };
  return (
    <List
      size="small"
      bordered
      dataSource={value}
      renderItem={(item, i) => (
        <List.Item
          actions={[
            <Button
              key="up"
              size="small"
              aria-label={t('settings.move_up', { item: label(item) })}
              disabled={disabled || i === 0}
              onClick={() => move(i, i - 1)}
            >
              ↑
            </Button>,
            <Button
              key="down"
              size="small"
              aria-label={t('settings.move_down', { item: label(item) })}
              disabled={disabled || i === value.length - 1}
              onClick={() => move(i, i + 1)}
            >
              ↓
            </Button>,
          ]}
        >
          <Space>
            <Typography.Text type="secondary">{i + 1}</Typography.Text>
            {label(item)}
          </Space>
        </List.Item>
      )}
    />
  );
}
