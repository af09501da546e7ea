import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client.ts';
import { useSession } from '../api/session.tsx';

/** A GET of the API through TanStack Query, keyed by workspace, path and query. */
export function useApi<T>(
  path: string,
  query: Record<string, string | number | undefined | null> = {},
  options: { enabled?: boolean; staleTime?: number } = {},
) {
  const { me } = useSession();
  return useQuery({
    queryKey: [path, me.workspace.name, query],
    queryFn: () => get<T>(path, query),
    enabled: options.enabled ?? true,
    ...(options.staleTime !== undefined ? { staleTime: options.staleTime } : {}),
  });
}
