import { Button, Space, Typography } from 'antd';
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
    <div style={{ border: '1px solid #d9d9d9', borderRadius: 8 }}>
      {value.map((item, i) => (
        <div
          key={item}
          style={{
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            padding: '6px 12px',
            borderTop: i === 0 ? undefined : '1px solid #f0f0f0',
          }}
        >
          <Space>
            <Typography.Text type="secondary">{i + 1}</Typography.Text>
            {label(item)}
          </Space>
          <Space>
            <Button
              size="small"
              aria-label={t('settings.move_up', { item: label(item) })}
              disabled={disabled || i === 0}
              onClick={() => move(i, i - 1)}
            >
              ↑
            </Button>
            <Button
              size="small"
              aria-label={t('settings.move_down', { item: label(item) })}
              disabled={disabled || i === value.length - 1}
              onClick={() => move(i, i + 1)}
            >
              ↓
            </Button>
          </Space>
        </div>
      ))}
    </div>
  );
}
