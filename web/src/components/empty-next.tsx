import { Empty, Space } from 'antd';
import type { ReactNode } from 'react';

/**
 * An empty list that says what to do next: a line of text and, for those who may act, the
 * buttons that start it (从示例安装, 新建…), so a new workspace is never a dead end.
 */
export function EmptyNext({ text, children }: { text: string; children?: ReactNode }) {
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} data-empty-next>
      {children && <Space wrap>{children}</Space>}
    </Empty>
  );
}
