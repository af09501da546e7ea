import { Button, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * A file chooser in the dashboard's language. The browser's own file button speaks the browser's
 * language ("Choose File" in an English Chromium), so it is hidden behind ours; the hidden input
 * keeps the label, so assistive tools and tests still find it by name.
 */
export function FileButton({
  id,
  accept,
  label,
  choose,
  onFile,
}: {
  id?: string;
  accept: string;
  label: string;
  /** The button's text; 选择文件 when not given. */
  choose?: string;
  onFile: (file: File | null) => void;
}) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [name, setName] = useState<string | null>(null);
  return (
    <>
      <input
        id={id}
        ref={input}
        type="file"
        style={{ display: 'none' }}
        accept={accept}
        aria-label={label}
        onChange={(e) => {
          const file = e.target.files?.[0] ?? null;
          setName(file?.name ?? null);
          onFile(file);
        }}
      />
      <Space>
        <Button onClick={() => input.current?.click()}>{choose ?? t('common.choose_file')}</Button>
        <Typography.Text type="secondary" data-file-name>
          {name ?? t('common.no_file')}
        </Typography.Text>
      </Space>
    </>
  );
}
